import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { podinfoCanary, podinfoDeployment } from '../../src/demo/manifests.js';
import { RealKube } from '../../src/kube/real.js';
import { kubeConfigFrom } from '../../src/kube/kubeconfig.js';
import type { KubeObject } from '../../src/kube/types.js';
import { waitForPhase } from '../scenarios/helpers.js';
import { RealStack } from './real-stack.js';

const VIRTUAL_SERVICE = { apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService' };
const ORIGINAL = 'pennant.dev/original-configuration';

/** A VirtualService the user wrote before the Canary, as Flagger's Istio tutorials have one. */
const userSpec = {
  hosts: ['app.example.com'],
  gateways: ['istio-system/public-gateway'],
  http: [{ retries: { attempts: 3, perTryTimeout: '1s' }, route: [{ destination: { host: 'podinfo' } }] }],
  exportTo: ['.'],
};

interface Meta { labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: unknown[] }

/**
 * Server-side apply on a real API server: Pennant takes over a user's own VirtualService without
 * claiming the fields it does not declare, puts back what another writer changes (with an Event
 * naming that writer from managedFields), and revertOnDeletion restores the original spec.
 */
describe('istio: the user\'s own VirtualService on the real control plane', () => {
  const stack = new RealStack(inject('kubeconfig'));
  const asUser = (fieldManager: string) => new RealKube(kubeConfigFrom({ kubeconfig: inject('kubeconfig') }), { fieldManager });
  const ns = `it-istio-takeover-${process.pid}`;
  const vsRef = { ...VIRTUAL_SERVICE, namespace: ns, name: 'podinfo' };
  const canaryRef = { apiVersion: 'pennant.dev/v1beta1', kind: 'Canary', namespace: ns, name: 'podinfo' };
  const stored = async () => (await stack.kube.get(vsRef)) as KubeObject;

  beforeAll(async () => {
    await stack.start();
  }, 120_000);
  afterAll(async () => {
    await stack.stop();
  });

  it('takes it over keeping the user\'s fields, sets back an edit with a RoutingDrift Event, and restores it on deletion', async () => {
    await stack.kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await stack.kube.create(podinfoDeployment(ns, { image: 'podinfo:6.0.0' }));
    const user: KubeObject = { ...VIRTUAL_SERVICE, metadata: { name: 'podinfo', namespace: ns, labels: { team: 'web' } }, spec: userSpec };
    await asUser('kubectl-client-side-apply').create(user);
    const canary = podinfoCanary({ namespace: ns, interval: '5s', provider: 'istio' });
    Object.assign(canary.spec as Record<string, unknown>, { revertOnDeletion: true });
    Object.assign((canary.spec as { service: Record<string, unknown> }).service, { hosts: userSpec.hosts, gateways: userSpec.gateways });
    await stack.kube.create(canary);
    await waitForPhase(stack.kube, ns, 'Initialized', 120_000);

    const taken = await stored();
    const meta = taken.metadata as Meta;
    expect(JSON.parse(meta.annotations?.[ORIGINAL] ?? 'null')).toEqual(userSpec);
    expect(meta.ownerReferences).toBeUndefined();
    expect(meta.labels).toEqual({ team: 'web' });
    expect((taken.spec as { exportTo?: string[] }).exportTo).toEqual(['.']);

    // Someone edits a field Pennant declares by hand: Pennant sets it back and says who it was.
    await asUser('kubectl-edit').patch(vsRef, [{ op: 'replace', path: '/spec/gateways', value: ['mesh'] }], 'json');
    await expect.poll(async () => ((await stored()).spec as { gateways: string[] }).gateways, { timeout: 30_000 }).toEqual(userSpec.gateways);
    // Events are reported off the reconcile worker (the report queue): the set-back may come first.
    const driftMessage = async () => {
      const events = await stack.kube.list({ apiVersion: 'v1', kind: 'Event' }, { namespace: ns });
      return (events.find((e) => (e as { reason?: string }).reason === 'RoutingDrift') as { message?: string } | undefined)?.message ?? '';
    };
    await expect.poll(driftMessage, { timeout: 30_000 }).toContain('changed by "kubectl-edit"');

    await expect.poll(async () => (await stack.kube.get(canaryRef))?.metadata.finalizers, { timeout: 30_000 }).toEqual(['pennant.dev/finalizer']);
    await stack.kube.delete(canaryRef);
    await expect.poll(async () => stack.kube.get(canaryRef), { timeout: 90_000, interval: 500 }).toBeNull();
    const back = await stored();
    expect(back.spec).toEqual(userSpec);
    expect((back.metadata as Meta).labels).toEqual({ team: 'web' });
    expect(Object.keys((back.metadata as Meta).annotations ?? {}).filter((k) => k.includes('pennant.dev') || k.includes('toolkit.fluxcd.io'))).toEqual([]);
  }, 300_000);
});
