import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InMemoryStack } from '../../src/demo/in-memory-stack.js';
import { podinfoCanary, podinfoDeployment } from '../../src/demo/manifests.js';
import { ERROR_RATE_ANNOTATION } from '../../src/demo/traffic-annotations.js';
import { UNREADY_IMAGE_ANNOTATION } from '../../src/demo/fake-deployment-controller.js';
import { canaryStatus, deploymentOf, HTTPROUTE, recordWeights, setImage, startGate, waitForPhase } from './helpers.js';

const NS = 'test';
const gatewayRefs = [{ name: 'public', namespace: 'gateways' }];

describe('--max-concurrent-analyses', () => {
  it('queues the second analysis until the first one ends, first come first served', async () => {
    const stack = new InMemoryStack({ config: { maxConcurrentAnalyses: 1 } });
    await stack.start();
    try {
      for (const ns of ['first', 'second']) {
        await stack.kube.create(podinfoDeployment(ns, { image: 'podinfo:6.0.0' }));
        await stack.kube.create(podinfoCanary({ namespace: ns, interval: '1s', provider: 'gatewayapi:v1', gatewayRefs }));
        await waitForPhase(stack.kube, ns, 'Initialized');
      }
      await setImage(stack.kube, 'first', 'podinfo:6.0.1');
      await waitForPhase(stack.kube, 'first', 'Progressing');
      await setImage(stack.kube, 'second', 'podinfo:6.0.1');
      const queued = await waitForPhase(stack.kube, 'second', 'Waiting');
      expect(queued.conditions?.find((c) => c.type === 'Promoted')?.message).toMatch(/queued/);
      expect((await canaryStatus(stack.kube, 'first')).phase).toBe('Progressing');
      await waitForPhase(stack.kube, 'first', 'Succeeded');
      await waitForPhase(stack.kube, 'second', 'Succeeded');
      expect(await deploymentOf(stack.kube, 'second', 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.1' });
    } finally {
      await stack.stop();
    }
  }, 180_000);
});

describe('batched PromQL', () => {
  it('six canaries analysed together: their builtin checks are a few grouped queries per step, not one per canary', async () => {
    const stack = new InMemoryStack();
    await stack.start();
    try {
      const namespaces = ['b1', 'b2', 'b3', 'b4', 'b5', 'b6'];
      for (const ns of namespaces) {
        await stack.kube.create(podinfoDeployment(ns, { image: 'podinfo:6.0.0' }));
        await stack.kube.create(podinfoCanary({ namespace: ns, interval: '1s', provider: 'gatewayapi:v1', gatewayRefs, maxWeight: 50 }));
        await waitForPhase(stack.kube, ns, 'Initialized');
      }
      const before = stack.prometheusQueries.length;
      await Promise.all(namespaces.map((ns) => setImage(stack.kube, ns, 'podinfo:6.0.1')));
      for (const ns of namespaces) await waitForPhase(stack.kube, ns, 'Succeeded');
      const asked = stack.prometheusQueries.slice(before).filter((q) => q.trim() !== 'vector(1)');
      // Unbatched: 6 canaries × 5 metric steps × 2 metrics = 60 queries. Batched, with each canary
      // joining its batch when its analysis starts: one query per metric and step time, 2 × 5; a
      // bump that straddles a point of the 1 s grid puts some canaries one step later: 2 × 6. (Without
      // joining ahead, the first step asked again for every worker turn: 17–18 here.)
      expect(asked.every((q) => q.includes('pennant_workload'))).toBe(true);
      expect(asked.length).toBeGreaterThanOrEqual(10);
      expect(asked.length).toBeLessThanOrEqual(2 * 6);
      for (const ns of namespaces) expect(await deploymentOf(stack.kube, ns, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.1' });
    } finally {
      await stack.stop();
    }
  }, 120_000);
});

describe('the controller\'s gauges', () => {
  it('show the Canaries per namespace and the analyses running when /metrics is scraped', async () => {
    const stack = new InMemoryStack();
    await stack.start();
    const scrape = async (): Promise<string> => stack.metrics.registry.metrics();
    try {
      for (const [ns, count] of [['g1', 1], ['g2', 2]] as const) {
        for (let i = 0; i < count; i++) {
          const name = i === 0 ? 'podinfo' : `podinfo-${i}`;
          await stack.kube.create(podinfoDeployment(ns, { image: 'podinfo:6.0.0' }, name));
          await stack.kube.create(podinfoCanary({ namespace: ns, name, interval: '1s', provider: 'gatewayapi:v1', gatewayRefs }));
          await waitForPhase(stack.kube, ns, 'Initialized', 60_000, name);
        }
      }
      const idle = await scrape();
      expect(idle).toContain('pennant_canary_total{namespace="g1"} 1');
      expect(idle).toContain('pennant_canary_total{namespace="g2"} 2');
      expect(idle).toMatch(/^pennant_analyses_running 0$/m);
      await setImage(stack.kube, 'g1', 'podinfo:6.0.1');
      await waitForPhase(stack.kube, 'g1', 'Progressing');
      expect(await scrape()).toMatch(/^pennant_analyses_running 1$/m);
      await stack.kube.delete({ apiVersion: 'pennant.dev/v1beta1', kind: 'Canary', namespace: 'g2', name: 'podinfo-1' });
      await expect.poll(scrape).toContain('pennant_canary_total{namespace="g2"} 1');
    } finally {
      await stack.stop();
    }
  }, 120_000);
});

describe('reporting never holds a worker', () => {
  it('an alert that does not return keeps no other Canary waiting (one worker)', async () => {
    let release: () => void = () => undefined;
    const stuck = new Promise<void>((resolve) => (release = resolve));
    const posted: string[] = [];
    const notifier = { post: async (n: { canary: { metadata: { namespace?: string } }; message: string }) => {
      posted.push(`${n.canary.metadata.namespace}: ${n.message}`);
      if (n.canary.metadata.namespace === 'slow') await stuck;
    } };
    const stack = new InMemoryStack({ config: { workers: 1 }, notifier });
    await stack.start();
    try {
      await stack.kube.create(podinfoDeployment('slow', { image: 'podinfo:6.0.0' }));
      await stack.kube.create(podinfoCanary({ namespace: 'slow', interval: '1s', provider: 'gatewayapi:v1', gatewayRefs }));
      await waitForPhase(stack.kube, 'slow', 'Initialized');
      await waitFor(() => posted.some((p) => p.startsWith('slow:')));
      await stack.kube.create(podinfoDeployment('fast', { image: 'podinfo:6.0.0' }));
      await stack.kube.create(podinfoCanary({ namespace: 'fast', interval: '1s', provider: 'gatewayapi:v1', gatewayRefs }));
      await waitForPhase(stack.kube, 'fast', 'Initialized');
      await setImage(stack.kube, 'fast', 'podinfo:6.0.1');
      await waitForPhase(stack.kube, 'fast', 'Succeeded');
    } finally {
      release();
      await stack.stop();
    }
  }, 120_000);
});

describe('Prometheus unreachable', () => {
  it('fails the checks with the reason and rolls back; it never promotes', async () => {
    const stack = new InMemoryStack({ config: { metricsServer: 'http://127.0.0.1:9', queryTimeoutMs: 500 } });
    await stack.start();
    try {
      await stack.kube.create(podinfoDeployment(NS, { image: 'podinfo:6.0.0' }));
      await stack.kube.create(podinfoCanary({ namespace: NS, interval: '1s', provider: 'gatewayapi:v1', gatewayRefs, threshold: 2 }));
      await waitForPhase(stack.kube, NS, 'Initialized');
      await setImage(stack.kube, NS, 'podinfo:6.0.1');
      await waitForPhase(stack.kube, NS, 'Failed');
      const canary = await stack.kube.get({ apiVersion: 'pennant.dev/v1beta1', kind: 'Canary', namespace: NS, name: 'podinfo' });
      const checks = (canary?.status as { checks: { name: string; verdict: string; message?: string }[] }).checks;
      expect(checks.filter((c) => c.verdict === 'error').map((c) => c.name)).toEqual(['request-success-rate', 'request-duration']);
      expect(checks[0]?.message).toMatch(/127\.0\.0\.1:9/);
      expect(await deploymentOf(stack.kube, NS, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.0' });
    } finally {
      await stack.stop();
    }
  }, 120_000);
});

/**
 * Whole stories on the real controller, engine, routers, Prometheus client and webhook client, over
 * the in-memory cluster and a Prometheus stand-in (the integration tier runs them on real parts).
 */
describe('scenarios on the in-memory stack', () => {
  let stack: InMemoryStack;

  beforeEach(async () => {
    stack = new InMemoryStack();
    await stack.start();
    await stack.kube.create(podinfoDeployment(NS, { image: 'podinfo:6.0.0' }));
  });
  afterEach(async () => {
    await stack.stop();
  });

  async function initialise(extra: Partial<Parameters<typeof podinfoCanary>[0]> = {}) {
    await stack.kube.create(podinfoCanary({ namespace: NS, interval: '1s', provider: 'gatewayapi:v1', gatewayRefs, ...extra }));
    await waitForPhase(stack.kube, NS, 'Initialized');
  }

  it('healthy canary: 10% … 50% → promoted, primary runs the new image, target scaled to 0', async () => {
    await initialise();
    expect(await deploymentOf(stack.kube, NS, 'podinfo')).toMatchObject({ replicas: 0 });
    expect(await deploymentOf(stack.kube, NS, 'podinfo-primary')).toMatchObject({ replicas: 2, image: 'podinfo:6.0.0' });
    const recorder = recordWeights(stack.kube, NS);
    await setImage(stack.kube, NS, 'podinfo:6.0.1');
    const done = await waitForPhase(stack.kube, NS, 'Succeeded');
    recorder.stop();
    expect(recorder.weights).toEqual([10, 20, 30, 40, 50, 0]);
    expect(done.canaryWeight).toBe(0);
    expect(await deploymentOf(stack.kube, NS, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.1' });
    expect(await deploymentOf(stack.kube, NS, 'podinfo')).toMatchObject({ replicas: 0 });
    expect(stack.notifier.sent.map((n) => n.message)).toContain('Promotion completed! podinfo.test');
  }, 120_000);

  it('faulty canary: rolled back after `threshold` failed checks, 100% to the primary', async () => {
    await initialise({ threshold: 3 });
    await setImage(stack.kube, NS, 'podinfo:6.0.2', { [ERROR_RATE_ANNOTATION]: '0.3' });
    const failed = await waitForPhase(stack.kube, NS, 'Failed');
    expect(failed.failedChecks).toBe(3);
    const route = await stack.kube.get({ ...HTTPROUTE, namespace: NS, name: 'podinfo' });
    const rules = (route?.spec as { rules: { backendRefs: { name: string; weight: number }[] }[] }).rules;
    expect(rules.at(-1)?.backendRefs).toEqual([
      expect.objectContaining({ name: 'podinfo-primary', weight: 100 }),
      expect.objectContaining({ name: 'podinfo-canary', weight: 0 }),
    ]);
    expect(await deploymentOf(stack.kube, NS, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.0' });
    expect(await deploymentOf(stack.kube, NS, 'podinfo')).toMatchObject({ replicas: 0 });
    const alert = stack.notifier.sent.find((n) => n.severity === 'error');
    expect(alert?.message).toMatch(/failed checks threshold reached 3/);
    expect(alert?.fields['request-success-rate']).toMatch(/70/);
  }, 120_000);

  it('a new revision mid-analysis restarts the analysis and promotes the newest', async () => {
    await initialise();
    const recorder = recordWeights(stack.kube, NS);
    await setImage(stack.kube, NS, 'podinfo:6.0.1');
    await waitFor(() => recorder.weights.includes(20));
    await setImage(stack.kube, NS, 'podinfo:6.0.3');
    await waitForPhase(stack.kube, NS, 'Succeeded');
    recorder.stop();
    const restart = recorder.weights.indexOf(0);
    expect(recorder.weights.slice(0, restart + 1)).toEqual(expect.arrayContaining([10, 20, 0]));
    expect(recorder.weights.slice(restart + 1)).toEqual([10, 20, 30, 40, 50, 0]);
    expect(await deploymentOf(stack.kube, NS, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.3' });
  }, 120_000);

  it('a confirm-promotion gate holds the promotion until it is opened', async () => {
    const gate = await startGate();
    try {
      await initialise({ maxWeight: 20, webhooks: [{ name: 'approve', type: 'confirm-promotion', url: gate.url }] });
      await setImage(stack.kube, NS, 'podinfo:6.0.1');
      await waitForPhase(stack.kube, NS, 'WaitingPromotion');
      const asked = gate.calls();
      await waitFor(() => gate.calls() >= asked + 2);
      expect((await canaryStatus(stack.kube, NS)).phase).toBe('WaitingPromotion');
      expect(await deploymentOf(stack.kube, NS, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.0' });
      gate.open();
      await waitForPhase(stack.kube, NS, 'Succeeded');
      expect(await deploymentOf(stack.kube, NS, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.1' });
    } finally {
      await gate.close();
    }
  }, 120_000);

  it('kubernetes provider: blue/green iterations, then promoted', async () => {
    await stack.kube.create(podinfoCanary({ namespace: NS, interval: '1s', provider: 'kubernetes', iterations: 3 }));
    await waitForPhase(stack.kube, NS, 'Initialized');
    await setImage(stack.kube, NS, 'podinfo:6.0.1');
    await waitForPhase(stack.kube, NS, 'Succeeded');
    const apex = await stack.kube.get({ apiVersion: 'v1', kind: 'Service', namespace: NS, name: 'podinfo' });
    expect((apex?.spec as { selector: Record<string, string> }).selector).toEqual({ app: 'podinfo-primary' });
    expect(await deploymentOf(stack.kube, NS, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.1' });
  }, 120_000);

  it('a failed promotion holds the pods serving everyone; a new revision waits and is analysed once the primary is ready', async () => {
    await initialise({ maxWeight: 20, progressDeadlineSeconds: 2 });
    const primaryRef = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'podinfo-primary' };
    const targetRef = { ...primaryRef, name: 'podinfo' };
    await stack.kube.patch(primaryRef, { metadata: { annotations: { [UNREADY_IMAGE_ANNOTATION]: 'podinfo:6.0.1' } } }); // no room for the new primary pods
    await setImage(stack.kube, NS, 'podinfo:6.0.1');
    const failed = await waitForPhase(stack.kube, NS, 'Failed');
    expect(failed.canaryWeight).toBe(100);
    expect(((await stack.kube.get(targetRef))?.spec as { paused?: boolean }).paused).toBe(true);

    // A bad revision pushed now must not reach the pods that serve every user.
    await setImage(stack.kube, NS, 'podinfo:6.0.2', { [ERROR_RATE_ANNOTATION]: '0.5' });
    await waitFor(async () => expect((await canaryStatus(stack.kube, NS)).heldRevision).toBeDefined());
    const serving = stack.runningTemplate(NS, 'podinfo') as { spec: { containers: { image: string }[] } };
    expect(serving.spec.containers[0]?.image).toBe('podinfo:6.0.1');
    expect((await canaryStatus(stack.kube, NS)).phase).toBe('Failed');

    // Room for the primary: the promotion of the analysed 6.0.1 completes, then 6.0.2 is analysed (and fails).
    await stack.kube.patch(primaryRef, { metadata: { annotations: { [UNREADY_IMAGE_ANNOTATION]: null } } });
    const reasons = async () => (await stack.kube.list({ apiVersion: 'v1', kind: 'Event' }, { namespace: NS })).map((e) => (e as { reason?: string }).reason);
    await waitFor(async () => expect(await reasons()).toContain('RolledBack'));
    const story = await reasons();
    const after = story.slice(story.indexOf('PromotionFailed'));
    // (Events with the same reason and message are one Event with a count: NewRevision is listed once, earlier.)
    expect(after.filter((r) => ['RevisionHeld', 'PromotionResumed', 'Promoted', 'RolledBack'].includes(r ?? ''))).toEqual(['RevisionHeld', 'PromotionResumed', 'Promoted', 'RolledBack']);
    const end = await waitForPhase(stack.kube, NS, 'Failed');
    expect(end.checks?.find((c) => c.name === 'request-success-rate')).toMatchObject({ verdict: 'fail', value: 50 });
    expect(end.promotedRevisions?.[0]).toBe(end.lastPromotedSpec);
    expect(end.lastAppliedSpec).not.toBe(end.lastPromotedSpec);
    expect(await deploymentOf(stack.kube, NS, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.1' });
    expect(((await stack.kube.get(targetRef))?.spec as { paused?: boolean }).paused).toBeUndefined();
  }, 120_000);

  it('a controller restarted mid-analysis carries on from the status to the same outcome', async () => {
    await initialise();
    const recorder = recordWeights(stack.kube, NS);
    await setImage(stack.kube, NS, 'podinfo:6.0.1');
    await waitFor(() => recorder.weights.includes(20));
    await stack.restartController();
    await waitForPhase(stack.kube, NS, 'Succeeded');
    recorder.stop();
    expect(recorder.weights).toEqual([10, 20, 30, 40, 50, 0]);
    expect(await deploymentOf(stack.kube, NS, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.1' });
  }, 120_000);

  it('a changed ConfigMap is a new revision; its -primary copy changes only at promotion', async () => {
    await stack.kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: NS }, data: { color: 'blue' } });
    const d = await stack.kube.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'podinfo' });
    const spec = d?.spec as { template: { spec: { containers: Record<string, unknown>[] } } };
    spec.template.spec.containers[0] = { ...spec.template.spec.containers[0], envFrom: [{ configMapRef: { name: 'settings' } }] };
    await stack.kube.update(d as NonNullable<typeof d>);
    await initialise();
    const copy = async () => ((await stack.kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NS, name: 'settings-primary' }))?.data as Record<string, string> | undefined)?.color;
    expect(await copy()).toBe('blue');
    await stack.kube.patch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NS, name: 'settings' }, { data: { color: 'green' } });
    await waitForPhase(stack.kube, NS, 'Progressing');
    expect(await copy()).toBe('blue');
    await waitForPhase(stack.kube, NS, 'Succeeded');
    expect(await copy()).toBe('green');
    const primary = await stack.kube.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'podinfo-primary' });
    const envFrom = (primary?.spec as { template: { spec: { containers: { envFrom?: unknown }[] } } }).template.spec.containers[0]?.envFrom;
    expect(envFrom).toEqual([{ configMapRef: { name: 'settings-primary' } }]);
  }, 120_000);

  it('an invalid Canary gets Ready=False with the reason and nothing is created', async () => {
    const bad = podinfoCanary({ namespace: NS, interval: '1s', provider: 'gatewayapi:v1', gatewayRefs });
    const analysis = (bad.spec as { analysis: Record<string, unknown> }).analysis;
    delete analysis.stepWeight;
    delete analysis.maxWeight;
    analysis.stepWeights = [10, 5];
    await stack.kube.create(bad);
    await waitFor(async () => {
      const ready = (await canaryStatus(stack.kube, NS)).conditions?.find((c) => c.type === 'Ready');
      expect(ready).toMatchObject({ status: 'False' });
      expect(ready?.message).toBe('spec.analysis.stepWeights[1]: must be greater than the step before it (10), got 5 (list the weights in strictly ascending order, e.g. [5, 10, 20, 50])');
    });
    expect(await stack.kube.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'podinfo-primary' })).toBeNull();
  }, 120_000);

  it("a Canary validate only warns about runs, and each warning is one ValidationWarning Event per spec generation", async () => {
    const warned = podinfoCanary({ namespace: NS, interval: '1s', provider: 'gatewayapi:v1', gatewayRefs });
    const analysis = (warned.spec as { analysis: Record<string, unknown> }).analysis;
    delete analysis.stepWeight;
    analysis.stepWeights = [10, 20, 60];
    await stack.kube.create(warned);
    await waitForPhase(stack.kube, NS, 'Initialized');
    const warnings = async () => (await stack.kube.list({ apiVersion: 'v1', kind: 'Event' }, { namespace: NS }))
      .filter((e) => (e as { reason?: string }).reason === 'ValidationWarning')
      .map((e) => ({ message: (e as { message?: string }).message, count: (e as { count?: number }).count }));
    const message = 'podinfo.test: spec.analysis.maxWeight: maxWeight (50) is ignored when stepWeights is set: promotion follows the last step (60) (remove maxWeight, or make the last step weight 50)';
    await waitFor(async () => expect(await warnings()).toEqual([{ message, count: 1 }]));
    // More reconciles of the same spec (a resync, a new revision) record nothing more.
    await setImage(stack.kube, NS, 'podinfo:6.0.1');
    await waitForPhase(stack.kube, NS, 'Succeeded');
    expect(await warnings()).toEqual([{ message, count: 1 }]);
    const stored = await stack.kube.get({ apiVersion: 'pennant.dev/v1beta1', kind: 'Canary', namespace: NS, name: 'podinfo' });
    if (!stored) throw new Error('no Canary');
    (stored.spec as { analysis: { threshold: number } }).analysis.threshold = 3;
    await stack.kube.update(stored);
    await waitFor(async () => expect(await warnings()).toEqual([{ message, count: 2 }]));
  }, 120_000);
});

async function waitFor(check: () => boolean | Promise<unknown>, timeoutMs = 60_000): Promise<void> {
  const { vi } = await import('vitest');
  await vi.waitFor(async () => {
    const ok = await check();
    if (ok === false) throw new Error('not yet');
  }, { timeout: timeoutMs, interval: 50 });
}
