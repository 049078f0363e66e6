import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, vi } from 'vitest';
import { isConflict } from '../../src/kube/errors.js';
import type { KubeClient, KubeObject, ObjectRef } from '../../src/kube/types.js';

export const CANARY = { apiVersion: 'pennant.dev/v1beta1', kind: 'Canary' };
export const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' };
export const DAEMONSET = { apiVersion: 'apps/v1', kind: 'DaemonSet' };
export const HTTPROUTE = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute' };

import type { CanaryStatus } from '../../src/api/index.js';

type Status = CanaryStatus;

export async function canaryStatus(kube: KubeClient, namespace: string, name = 'podinfo'): Promise<Status> {
  const obj = await kube.get({ ...CANARY, namespace, name });
  return (obj?.status ?? {}) as Status;
}

export async function waitForPhase(kube: KubeClient, namespace: string, phase: string, timeoutMs = 60_000, name = 'podinfo'): Promise<Status> {
  let last: Status = {};
  await vi.waitFor(async () => {
    last = await canaryStatus(kube, namespace, name);
    expect(last.phase, `phase (last: ${JSON.stringify(last)})`).toBe(phase);
  }, { timeout: timeoutMs, interval: 100 });
  return last;
}

/** Records every canary weight the HTTPRoute takes, in order, without repeats. */
export function recordWeights(kube: KubeClient, namespace: string): { weights: number[]; stop: () => void } {
  const weights: number[] = [];
  const informer = kube.informer(HTTPROUTE, { namespace });
  void informer.start();
  const stop = informer.onChange((_t, obj) => {
    const w = canaryWeight(obj);
    if (w !== undefined && weights[weights.length - 1] !== w) weights.push(w);
  });
  return { weights, stop: () => { stop(); informer.stop(); } };
}

export function canaryWeight(route: KubeObject): number | undefined {
  const rules = (route.spec as { rules?: { backendRefs?: { name: string; weight: number }[] }[] }).rules ?? [];
  return rules[rules.length - 1]?.backendRefs?.find((b) => b.name.endsWith('-canary'))?.weight;
}

/** A user's edit of the pod template (get, change, update), retried on conflicts as kubectl edit is; of a Deployment unless `type` says. */
export async function setImage(
  kube: KubeClient, namespace: string, image: string, annotations: Record<string, string> = {}, name = 'podinfo', type = DEPLOYMENT,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await updateTemplate(kube, { ...type, namespace, name }, image, annotations);
    } catch (err) {
      if (!isConflict(err) || attempt >= 10) throw err;
    }
  }
}

async function updateTemplate(kube: KubeClient, ref: ObjectRef, image: string, annotations: Record<string, string>): Promise<void> {
  const d = await kube.get(ref);
  if (!d) throw new Error(`no ${ref.name} ${ref.kind}`);
  const spec = d.spec as { template: { metadata: { annotations?: Record<string, string> }; spec: { containers: { image: string }[] } } };
  spec.template.spec.containers[0] = { ...spec.template.spec.containers[0], image } as { image: string };
  spec.template.metadata.annotations = { ...spec.template.metadata.annotations, ...annotations };
  await kube.update(d);
}

export async function deploymentOf(kube: KubeClient, namespace: string, name: string) {
  const d = await kube.get({ ...DEPLOYMENT, namespace, name });
  const spec = d?.spec as { replicas?: number; template: { spec: { containers: { image: string }[] } } } | undefined;
  return { replicas: spec?.replicas, image: spec?.template.spec.containers[0]?.image };
}

/** A Flagger-loadtester-style gate on 127.0.0.1: /gate/check answers 403 until opened. */
export async function startGate(): Promise<{ url: string; open: () => void; calls: () => number; close: () => Promise<void> }> {
  let opened = false;
  let calls = 0;
  const server: Server = createServer((req, res) => {
    calls++;
    req.resume();
    res.writeHead(opened ? 200 : 403).end(opened ? 'approved' : 'gate closed');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/gate/check`,
    open: () => { opened = true; },
    calls: () => calls,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
