import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { parse } from 'yaml';
import { podinfoCanary, podinfoDeployment } from '../../src/demo/manifests.js';
import { ERROR_RATE_ANNOTATION, LATENCY_ANNOTATION } from '../../src/demo/traffic-annotations.js';
import type { KubeClient, KubeObject, ResourceType } from '../../src/kube/types.js';
import { swapApiVersion } from '../unit/api/flagger-examples.js';
import { canaryStatus, deploymentOf, setImage, startGate, waitForPhase } from '../scenarios/helpers.js';
import { REPO } from './cluster.js';
import { RealStack } from './real-stack.js';

const PHASE_TIMEOUT = 120_000;
/** Flagger's e2e waits 15 s between checks; 5 s keeps the file within its time budget. */
const INTERVAL = '5s';
const E2E = join(REPO, 'test/fixtures/flagger/e2e');
const HTTPROUTE_V1BETA1: ResourceType = { apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'HTTPRoute' };
const TRAFFIC_SPLIT: ResourceType = { apiVersion: 'split.smi-spec.io/v1alpha1', kind: 'TrafficSplit' };
const TRAFFIC_SPLIT_V1ALPHA2: ResourceType = { apiVersion: 'split.smi-spec.io/v1alpha2', kind: 'TrafficSplit' };

interface Check { name: string; value: number | null; verdict: string }
interface Backend { name?: string; service?: string; weight?: number | string }

/** One of Flagger's linkerd e2e manifests, apiVersion swapped as a migrating user does. */
const e2e = (file: string): KubeObject => parse(swapApiVersion(readFileSync(join(E2E, file), 'utf8'))) as KubeObject;

/** The canary weight each router's object gives, as a number. */
const CANARY_WEIGHT: Record<'httproute' | 'trafficsplit', (obj: KubeObject) => number | undefined> = {
  httproute: (obj) => {
    const rules = (obj.spec as { rules?: { backendRefs?: Backend[] }[] }).rules ?? [];
    return rules.at(-1)?.backendRefs?.find((b) => b.name?.endsWith('-canary'))?.weight as number | undefined;
  },
  trafficsplit: (obj) => {
    const weight = (obj.spec as { backends?: Backend[] }).backends?.find((b) => b.service?.endsWith('-canary'))?.weight;
    return weight === undefined ? undefined : Number(weight);
  },
};

/** Every distinct canary weight the router's object `name` takes, in order. */
function recordWeights(kube: KubeClient, namespace: string, type: ResourceType, name: string, read: (obj: KubeObject) => number | undefined) {
  const weights: number[] = [];
  const informer = kube.informer(type, { namespace });
  void informer.start();
  const stop = informer.onChange((_type, obj) => {
    const weight = obj.metadata.name === name ? read(obj) : undefined;
    if (weight !== undefined && weights.at(-1) !== weight) weights.push(weight);
  });
  return { weights, stop: () => { stop(); informer.stop(); } };
}

const checksOf = async (stack: RealStack, ns: string, name: string): Promise<Check[]> =>
  ((await stack.kube.get({ apiVersion: 'pennant.dev/v1beta1', kind: 'Canary', namespace: ns, name }))?.status as { checks?: Check[] } | undefined)?.checks ?? [];

/**
 * Linkerd on real parts. Flagger's own linkerd e2e runs Flagger with `-mesh-provider=gatewayapi:v1beta1`
 * (Linkerd's GAMMA support: an HTTPRoute whose parent is the Service), so the controller runs with
 * that provider and its Canaries, MetricTemplates and Services are Flagger's; `provider: linkerd`
 * Canaries get the SMI TrafficSplit instead (split.smi-spec.io/v1alpha1, the fixture CRD). The traffic
 * simulator plays the Linkerd proxies (response_total, response_latency_ms) and real Prometheus
 * answers the e2e templates' queries and the builtin Linkerd ones.
 */
describe.concurrent('linkerd on the real control plane: GAMMA (Flagger e2e) and SMI', () => {
  const stack = new RealStack(inject('kubeconfig'));
  let gate: Awaited<ReturnType<typeof startGate>>;
  let n = 0;

  beforeAll(async () => {
    gate = await startGate();
    gate.open();
    await stack.start({ provider: 'gatewayapi:v1beta1' });
    // The e2e MetricTemplates, in namespace linkerd as Flagger's e2e applies them, on this Prometheus.
    await stack.kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'linkerd' } });
    for (const file of ['linkerd-canary-1.yaml', 'linkerd-canary-2.yaml']) {
      const template = e2e(file);
      (template.spec as { provider: { address: string } }).provider.address = stack.prometheus.url;
      await stack.kube.apply(template, { force: true });
    }
  }, 120_000);
  afterAll(async () => {
    await stack.stop();
    await gate.close();
  });

  /** A fresh namespace with `target` 6.0.0 running, for the simulator to route `service` by `provider`. */
  async function namespaceWith(name: string, target: string, provider: string): Promise<string> {
    const ns = `it-linkerd-${name}-${process.pid}-${n++}`;
    await stack.kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await stack.kube.create(podinfoDeployment(ns, { image: 'podinfo:6.0.0' }, target));
    await stack.simulator.addApps([{ namespace: ns, service: target, target, provider }]);
    return ns;
  }

  /** An e2e Canary moved to `ns` (its gatewayRefs too), checking every INTERVAL, its webhooks sent to the local gate. */
  function e2eCanary(file: string, ns: string): KubeObject {
    const canary = e2e(file);
    canary.metadata.namespace = ns;
    const spec = canary.spec as { service: { gatewayRefs: { namespace?: string }[] }; analysis: { interval: string; webhooks?: { url: string }[] } };
    for (const ref of spec.service.gatewayRefs) ref.namespace = ns;
    spec.analysis.interval = INTERVAL;
    for (const hook of spec.analysis.webhooks ?? []) hook.url = gate.url;
    return canary;
  }

  it("Flagger's e2e podinfo-service: an HTTPRoute whose parent is the Service (GAMMA), 10% → 30% by weight, promoted", { timeout: 240_000 }, async ({ expect }) => {
    const ns = await namespaceWith('gamma', 'podinfo-service', 'gatewayapi:v1beta1');
    await stack.kube.create(e2eCanary('linkerd-canary-4.yaml', ns));
    await waitForPhase(stack.kube, ns, 'Initialized', PHASE_TIMEOUT, 'podinfo-service');
    const route = await stack.kube.get({ ...HTTPROUTE_V1BETA1, namespace: ns, name: 'podinfo-service' });
    expect((route?.spec as { parentRefs: unknown[] }).parentRefs).toEqual([{ name: 'podinfo', namespace: ns, group: 'core', kind: 'Service', port: 9898 }]);
    expect(CANARY_WEIGHT.httproute(route as KubeObject)).toBe(0);
    // As Flagger's e2e checks: the canary Service selects the target's pods.
    const canarySvc = await stack.kube.get({ apiVersion: 'v1', kind: 'Service', namespace: ns, name: 'podinfo-service-canary' });
    expect((canarySvc?.spec as { selector: Record<string, string> }).selector).toEqual({ app: 'podinfo-service' });

    const recorder = recordWeights(stack.kube, ns, HTTPROUTE_V1BETA1, 'podinfo-service', CANARY_WEIGHT.httproute);
    await setImage(stack.kube, ns, 'podinfo:6.0.1', {}, 'podinfo-service');
    await waitForPhase(stack.kube, ns, 'Succeeded', PHASE_TIMEOUT, 'podinfo-service');
    recorder.stop();
    expect(recorder.weights).toEqual([10, 20, 30, 0]);
    expect(await deploymentOf(stack.kube, ns, 'podinfo-service-primary')).toMatchObject({ image: 'podinfo:6.0.1' });
    expect(stack.simulator.stats().workloads[`${ns}/podinfo-service`]?.requests ?? 0).toBeGreaterThan(0);
  });

  it("Flagger's e2e podinfo (threshold 3): a slow, failing release rolls back on the e2e latency template; the HTTPRoute back to 100% primary", { timeout: 240_000 }, async ({ expect }) => {
    const ns = await namespaceWith('gamma-faulty', 'podinfo', 'gatewayapi:v1beta1');
    await stack.kube.create(e2eCanary('linkerd-canary-5.yaml', ns));
    await waitForPhase(stack.kube, ns, 'Initialized', PHASE_TIMEOUT);
    const apex = await stack.kube.get({ apiVersion: 'v1', kind: 'Service', namespace: ns, name: 'podinfo' });
    expect((apex?.spec as { selector: Record<string, string> }).selector).toEqual({ app: 'podinfo-primary' });
    const callsBefore = gate.calls();
    await setImage(stack.kube, ns, 'podinfo:6.0.2', { [ERROR_RATE_ANNOTATION]: '0.3', [LATENCY_ANNOTATION]: '800' });
    const failed = await waitForPhase(stack.kube, ns, 'Failed', PHASE_TIMEOUT);
    expect(failed.canaryWeight ?? 0).toBe(0);
    const route = await stack.kube.get({ ...HTTPROUTE_V1BETA1, namespace: ns, name: 'podinfo' });
    expect(CANARY_WEIGHT.httproute(route as KubeObject)).toBe(0);
    expect(await deploymentOf(stack.kube, ns, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.0' });
    expect(await deploymentOf(stack.kube, ns, 'podinfo')).toMatchObject({ replicas: 0 });
    // The pre-rollout and load-test webhooks went out; the e2e latency query (P99 of
    // response_latency_ms_bucket, through Prometheus) saw the 800 ms canary.
    expect(gate.calls()).toBeGreaterThan(callsBefore);
    const latency = (await checksOf(stack, ns, 'podinfo')).find((c) => c.name === 'latency');
    expect(latency?.verdict).toBe('fail');
    expect(latency?.value).toBeGreaterThan(500);
  });

  /** A `provider: linkerd` Canary (SMI) on the builtin Linkerd metrics, initialised. */
  async function smiInitialised(name: string): Promise<string> {
    const ns = await namespaceWith(name, 'podinfo', 'linkerd');
    await stack.kube.create(podinfoCanary({ namespace: ns, interval: INTERVAL, provider: 'linkerd', threshold: 2, stepWeight: 10, maxWeight: 20 }));
    await waitForPhase(stack.kube, ns, 'Initialized', PHASE_TIMEOUT);
    return ns;
  }

  it('provider linkerd: a TrafficSplit 10% → 20% on the builtin Linkerd metrics, promoted', { timeout: 240_000 }, async ({ expect }) => {
    const ns = await smiInitialised('smi');
    const split = await stack.kube.get({ ...TRAFFIC_SPLIT, namespace: ns, name: 'podinfo' });
    expect(split?.spec).toEqual({ service: 'podinfo', backends: [{ service: 'podinfo-canary', weight: '0' }, { service: 'podinfo-primary', weight: '100' }] });
    const recorder = recordWeights(stack.kube, ns, TRAFFIC_SPLIT, 'podinfo', CANARY_WEIGHT.trafficsplit);
    await setImage(stack.kube, ns, 'podinfo:6.0.1');
    const done = await waitForPhase(stack.kube, ns, 'Succeeded', PHASE_TIMEOUT);
    recorder.stop();
    expect(recorder.weights).toEqual([10, 20, 0]);
    expect(done.failedChecks).toBe(0);
    expect(await deploymentOf(stack.kube, ns, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.1' });
    const checks = await checksOf(stack, ns, 'podinfo');
    expect(checks.find((c) => c.name === 'request-success-rate')).toMatchObject({ verdict: 'pass', value: 100 });
    const duration = checks.find((c) => c.name === 'request-duration');
    expect(duration?.verdict).toBe('pass');
    expect(duration?.value).toBeGreaterThan(25); // podinfo answers in 40–50 ms
    expect(duration?.value).toBeLessThan(60);
    expect(await stack.prometheus.queryValue(`sum(response_total{namespace="${ns}", deployment="podinfo", direction="inbound"})`)).toBeGreaterThan(0);
  });

  it('provider linkerd: a faulty release rolls back after 2 failed checks; the TrafficSplit back to 100% primary', { timeout: 240_000 }, async ({ expect }) => {
    const ns = await smiInitialised('smi-faulty');
    await setImage(stack.kube, ns, 'podinfo:6.0.2', { [ERROR_RATE_ANNOTATION]: '0.3' });
    const failed = await waitForPhase(stack.kube, ns, 'Failed', PHASE_TIMEOUT);
    expect(failed.failedChecks).toBe(2);
    const split = await stack.kube.get({ ...TRAFFIC_SPLIT, namespace: ns, name: 'podinfo' });
    expect((split?.spec as { backends: Backend[] }).backends).toEqual([{ service: 'podinfo-canary', weight: '0' }, { service: 'podinfo-primary', weight: '100' }]);
    expect(await deploymentOf(stack.kube, ns, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.0' });
    const successRate = (await checksOf(stack, ns, 'podinfo')).find((c) => c.name === 'request-success-rate');
    expect(successRate?.verdict).toBe('fail');
    expect(successRate?.value).toBeGreaterThan(40); // 30% errors, on a few hundred requests
    expect(successRate?.value).toBeLessThan(95);
    expect((await canaryStatus(stack.kube, ns)).canaryWeight ?? 0).toBe(0);
  });

  it('provider smi:v1alpha2: integer weights on a v1alpha2 TrafficSplit, judged by the e2e latency template (SMI has no builtins), promoted', { timeout: 240_000 }, async ({ expect }) => {
    const ns = await namespaceWith('smi-v1alpha2', 'podinfo', 'smi:v1alpha2');
    const canary = podinfoCanary({ namespace: ns, interval: INTERVAL, provider: 'smi:v1alpha2', threshold: 2, stepWeight: 10, maxWeight: 20 });
    (canary.spec as { analysis: { metrics: unknown[] } }).analysis.metrics = [
      { name: 'latency', templateRef: { name: 'latency', namespace: 'linkerd' }, thresholdRange: { max: 500 }, interval: '30s', templateVariables: { direction: 'inbound' } },
    ];
    await stack.kube.create(canary);
    await waitForPhase(stack.kube, ns, 'Initialized', PHASE_TIMEOUT);
    const split = await stack.kube.get({ ...TRAFFIC_SPLIT_V1ALPHA2, namespace: ns, name: 'podinfo' });
    expect(split?.spec).toEqual({ service: 'podinfo', backends: [{ service: 'podinfo-canary', weight: 0 }, { service: 'podinfo-primary', weight: 100 }] });
    const recorder = recordWeights(stack.kube, ns, TRAFFIC_SPLIT_V1ALPHA2, 'podinfo', CANARY_WEIGHT.trafficsplit);
    await setImage(stack.kube, ns, 'podinfo:6.0.1');
    await waitForPhase(stack.kube, ns, 'Succeeded', PHASE_TIMEOUT);
    recorder.stop();
    expect(recorder.weights).toEqual([10, 20, 0]);
    const latency = (await checksOf(stack, ns, 'podinfo')).find((c) => c.name === 'latency');
    expect(latency?.verdict).toBe('pass');
    expect(latency?.value).toBeLessThan(100); // podinfo answers in 40–50 ms
  });
});
