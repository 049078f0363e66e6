import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { podinfoCanary, podinfoDeployment } from '../../src/demo/manifests.js';
import { ERROR_RATE_ANNOTATION } from '../../src/demo/traffic-annotations.js';
import { canaryStatus, deploymentOf, recordWeights, setImage, startGate, waitForPhase } from '../scenarios/helpers.js';
import { HTTPROUTE_V1, RealStack } from './real-stack.js';

const gatewayRefs = [{ name: 'public', namespace: 'gateways' }];
const INTERVAL = '5s';
const PHASE_TIMEOUT = 150_000;

/**
 * The core stories on real parts: a real API server with the real Deployment controller and KWOK
 * pods, real Prometheus scraping the traffic simulator, Pennant's controller in-process.
 */
describe('core scenarios on the real control plane', () => {
  const stack = new RealStack(inject('kubeconfig'));
  let n = 0;

  beforeAll(async () => {
    await stack.start();
  }, 120_000);
  afterAll(async () => {
    await stack.stop();
  });

  /** A fresh namespace with podinfo 6.0.0 initialised under a Canary. */
  async function initialised(name: string, extra: Partial<Parameters<typeof podinfoCanary>[0]> = {}): Promise<string> {
    const ns = `it-${name}-${process.pid}-${n++}`;
    await stack.kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await stack.kube.create(podinfoDeployment(ns, { image: 'podinfo:6.0.0' }));
    await stack.simulator.addApps([{ namespace: ns, service: 'podinfo', target: 'podinfo', provider: extra.provider ?? 'gatewayapi:v1' }]);
    await stack.kube.create(podinfoCanary({ namespace: ns, interval: INTERVAL, provider: 'gatewayapi:v1', gatewayRefs, threshold: 3, ...extra }));
    await waitForPhase(stack.kube, ns, 'Initialized', PHASE_TIMEOUT);
    return ns;
  }

  it('healthy canary: 10% … 50% → promoted; the primary runs the new image, the target is at 0', async () => {
    const ns = await initialised('healthy');
    const recorder = recordWeights(stack.kube, ns);
    await setImage(stack.kube, ns, 'podinfo:6.0.1');
    const done = await waitForPhase(stack.kube, ns, 'Succeeded', PHASE_TIMEOUT);
    recorder.stop();
    expect(recorder.weights).toEqual([10, 20, 30, 40, 50, 0]);
    expect(done.failedChecks).toBe(0);
    expect(await deploymentOf(stack.kube, ns, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.1' });
    expect(await deploymentOf(stack.kube, ns, 'podinfo')).toMatchObject({ replicas: 0 });
    const events = await stack.kube.list({ apiVersion: 'v1', kind: 'Event' }, { namespace: ns });
    expect(events.map((e) => (e as { reason?: string }).reason)).toEqual(expect.arrayContaining(['NewRevision', 'Advance', 'Promoting', 'Promoted']));
  }, 240_000);

  it('faulty canary: rolled back after `threshold` failed checks, 100% to the primary', async () => {
    const ns = await initialised('faulty', { threshold: 2 });
    await setImage(stack.kube, ns, 'podinfo:6.0.2', { [ERROR_RATE_ANNOTATION]: '0.3' });
    const failed = await waitForPhase(stack.kube, ns, 'Failed', PHASE_TIMEOUT);
    expect(failed.failedChecks).toBe(2);
    const route = await stack.kube.get({ ...HTTPROUTE_V1, namespace: ns, name: 'podinfo' });
    const backends = (route?.spec as { rules: { backendRefs: { name: string; weight: number }[] }[] }).rules.at(-1)?.backendRefs;
    expect(backends).toEqual([expect.objectContaining({ name: 'podinfo-primary', weight: 100 }), expect.objectContaining({ name: 'podinfo-canary', weight: 0 })]);
    expect(await deploymentOf(stack.kube, ns, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.0' });
    expect(await deploymentOf(stack.kube, ns, 'podinfo')).toMatchObject({ replicas: 0 });
    const checks = ((await stack.kube.get({ apiVersion: 'pennant.dev/v1beta1', kind: 'Canary', namespace: ns, name: 'podinfo' }))?.status as { checks: { name: string; value: number; verdict: string }[] }).checks;
    const successRate = checks.find((c) => c.name === 'request-success-rate');
    expect(successRate?.verdict).toBe('fail');
    expect(successRate?.value).toBeGreaterThan(55);
    expect(successRate?.value).toBeLessThan(85);
  }, 240_000);

  it('a new revision mid-analysis restarts the analysis and promotes the newest', async () => {
    const ns = await initialised('restart');
    const recorder = recordWeights(stack.kube, ns);
    await setImage(stack.kube, ns, 'podinfo:6.0.1');
    await waitUntil(() => recorder.weights.includes(20));
    await setImage(stack.kube, ns, 'podinfo:6.0.3');
    await waitForPhase(stack.kube, ns, 'Succeeded', PHASE_TIMEOUT);
    recorder.stop();
    const restart = recorder.weights.indexOf(0);
    expect(restart).toBeGreaterThan(0);
    expect(recorder.weights.slice(restart + 1)).toEqual([10, 20, 30, 40, 50, 0]);
    expect(await deploymentOf(stack.kube, ns, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.3' });
  }, 240_000);

  it('a confirm-promotion gate holds the promotion until it is opened', async () => {
    const gate = await startGate();
    try {
      const ns = await initialised('gate', { maxWeight: 20, webhooks: [{ name: 'approve', type: 'confirm-promotion', url: gate.url }] });
      await setImage(stack.kube, ns, 'podinfo:6.0.1');
      await waitForPhase(stack.kube, ns, 'WaitingPromotion', PHASE_TIMEOUT);
      const asked = gate.calls();
      await waitUntil(() => gate.calls() >= asked + 2);
      expect((await canaryStatus(stack.kube, ns)).phase).toBe('WaitingPromotion');
      expect(await deploymentOf(stack.kube, ns, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.0' });
      gate.open();
      await waitForPhase(stack.kube, ns, 'Succeeded', PHASE_TIMEOUT);
      expect(await deploymentOf(stack.kube, ns, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.1' });
    } finally {
      await gate.close();
    }
  }, 240_000);

  it('revertOnDeletion: deleting the Canary hands the app back to the target, serving', async () => {
    const ns = await initialised('revert', { provider: 'kubernetes', iterations: 2 });
    const canaryRef = { apiVersion: 'pennant.dev/v1beta1', kind: 'Canary', namespace: ns, name: 'podinfo' };
    await stack.kube.patch(canaryRef, { spec: { revertOnDeletion: true } });
    await expect.poll(async () => (await stack.kube.get(canaryRef))?.metadata.finalizers, { timeout: 30_000 }).toEqual(['pennant.dev/finalizer']);
    await stack.kube.delete(canaryRef);
    await expect.poll(async () => stack.kube.get(canaryRef), { timeout: 90_000, interval: 500 }).toBeNull();
    expect(await deploymentOf(stack.kube, ns, 'podinfo')).toMatchObject({ replicas: 2 });
    const apex = await stack.kube.get({ apiVersion: 'v1', kind: 'Service', namespace: ns, name: 'podinfo' });
    expect((apex?.spec as { selector: Record<string, string> }).selector).toEqual({ app: 'podinfo' });
    // The garbage collector takes what the Canary owned; the apex Service was handed back and stays.
    await expect.poll(async () => stack.kube.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'podinfo-primary' }), { timeout: 30_000 }).toBeNull();
    expect(await stack.kube.get({ apiVersion: 'v1', kind: 'Service', namespace: ns, name: 'podinfo' })).not.toBeNull();
  }, 240_000);

  it('kubernetes provider: blue/green iterations with the apex Service switching, then promoted', async () => {
    const ns = await initialised('bluegreen', { provider: 'kubernetes', iterations: 2 });
    await setImage(stack.kube, ns, 'podinfo:6.0.1');
    await waitForPhase(stack.kube, ns, 'Succeeded', PHASE_TIMEOUT);
    const apex = await stack.kube.get({ apiVersion: 'v1', kind: 'Service', namespace: ns, name: 'podinfo' });
    expect((apex?.spec as { selector: Record<string, string> }).selector).toEqual({ app: 'podinfo-primary' });
    expect(await deploymentOf(stack.kube, ns, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.1' });
  }, 240_000);
});

async function waitUntil(check: () => boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
