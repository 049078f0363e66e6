import { afterEach, describe, expect, it } from 'vitest';
import { MemoryKube } from '../../../src/kube/index.js';
import { startTrafficSimulator, type TrafficSimulator, type TrafficSimulatorOptions } from '../../harness/index.js';
import { createSimPods, setPodReady, simDeployment, simService } from '../../harness/sim-fixtures.js';
import { NS, routedApp, type RoutedApp } from './fixtures.js';
import { parseExposition } from './promql-selectors.js';

// 100 req/s for 10 s = 1000 requests, split as the routing objects Pennant's routers wrote say.
const RATE = 100;
const SECONDS = 10;

describe('traffic simulator reading what Pennant’s routers wrote', () => {
  let app: RoutedApp | undefined;
  let sim: TrafficSimulator | undefined;
  afterEach(async () => {
    await sim?.stop();
    app?.stop();
  });

  async function simulate(a: RoutedApp, options: Partial<TrafficSimulatorOptions> = {}): Promise<TrafficSimulator> {
    const provider = a.canary.spec.provider ?? 'kubernetes';
    sim = await startTrafficSimulator({
      kube: a.kube,
      apps: [{ namespace: NS, service: 'podinfo', target: 'podinfo', provider }],
      rate: RATE,
      autoTick: false,
      ...options,
    });
    return sim;
  }

  /** Requests served per Deployment after SECONDS of traffic. */
  async function served(s: TrafficSimulator) {
    await app?.settle();
    s.step(SECONDS);
    const { workloads } = s.stats();
    return { primary: workloads[`${NS}/podinfo-primary`]?.requests ?? 0, canary: workloads[`${NS}/podinfo`]?.requests ?? 0 };
  }

  it('kubernetes: the apex Service selects the primary, then the canary', async () => {
    app = await routedApp('kubernetes');
    const s = await simulate(app);
    expect(await served(s)).toEqual({ primary: 999, canary: 0 }); // 3 pods × floor(333.3)
    await app.router.setRoutes(app.canary, { primary: 0, canary: 100, mirror: false });
    expect(await served(s)).toEqual({ primary: 999, canary: 999 });
  });

  it('kubernetes: canary tests reach <svc>-canary whatever the apex selects (blue/green)', async () => {
    app = await routedApp('kubernetes');
    const s = await simulate(app, { canaryTestRate: 6 });
    expect(await served(s)).toEqual({ primary: 999, canary: 60 });
  });

  it('gatewayapi: HTTPRoute weights', async () => {
    app = await routedApp('gatewayapi:v1');
    await app.router.setRoutes(app.canary, { primary: 80, canary: 20, mirror: false });
    const { primary, canary } = await served(await simulate(app));
    expect(primary).toBeGreaterThanOrEqual(798);
    expect(canary).toBeGreaterThanOrEqual(198);
    expect(primary + canary).toBeLessThanOrEqual(1000);
  });

  it('gatewayapi: mirroring copies the primary’s traffic to the canary', async () => {
    app = await routedApp('gatewayapi:v1');
    await app.router.setRoutes(app.canary, { primary: 100, canary: 0, mirror: true });
    expect(await served(await simulate(app))).toEqual({ primary: 999, canary: 999 });
  });

  it('gatewayapi: A/B testing sends the matching fraction to the canary', async () => {
    app = await routedApp('gatewayapi:v1', { iterations: 10, match: [{ headers: { 'x-canary': { exact: 'insider' } } }] });
    await app.router.setRoutes(app.canary, { primary: 0, canary: 100, mirror: false, matchedOnly: true });
    const { primary, canary } = await served(await simulate(app, { abMatchFraction: 0.25 }));
    expect(primary).toBeGreaterThanOrEqual(748);
    expect(canary).toBeGreaterThanOrEqual(248);
  });

  it('only ready pods receive requests; with none ready the requests are lost', async () => {
    app = await routedApp('kubernetes');
    await app.router.setRoutes(app.canary, { primary: 0, canary: 100, mirror: false });
    const [notReady = '', ...others] = app.canaryPods;
    await setPodReady(app.kube, NS, notReady, false);
    const s = await simulate(app);
    expect((await served(s)).canary).toBe(1000);
    const pods = new Set(parseExposition(await (await fetch(`${s.url}/metrics`)).text()).map((x) => x.labels.kubernetes_pod_name));
    expect(pods.has(notReady)).toBe(false);
    for (const pod of others) expect(pods.has(pod)).toBe(true);

    for (const pod of others) await setPodReady(app.kube, NS, pod, false);
    expect((await served(s)).canary).toBe(1000); // nothing more
    expect(s.stats().unserved).toEqual({ [`${NS}/podinfo`]: 1000 });
  });

  it('a deleted pod’s series disappear, as its scrape target would', async () => {
    app = await routedApp('kubernetes');
    const s = await simulate(app);
    await served(s);
    const gone = app.primaryPods[0] ?? '';
    // The app's own series (kubernetes_pod_name) and the Linkerd proxy's (pod).
    const podsExported = async () =>
      new Set(parseExposition(await (await fetch(`${s.url}/metrics`)).text()).flatMap((x) => [x.labels.kubernetes_pod_name, x.labels.pod]));
    expect((await podsExported()).has(gone)).toBe(true);
    expect(parseExposition(await (await fetch(`${s.url}/metrics`)).text()).some((x) => x.name === 'response_total' && x.labels.pod === gone)).toBe(true);
    await app.kube.delete({ apiVersion: 'v1', kind: 'Pod', namespace: NS, name: gone });
    await app.settle();
    expect((await podsExported()).has(gone)).toBe(false);
  });

  it('the same seed draws the same outcomes', async () => {
    const errorsWith = async (seed: number) => {
      app = await routedApp('kubernetes');
      await app.router.setRoutes(app.canary, { primary: 0, canary: 100, mirror: false });
      const s = await simulate(app, { seed });
      await served(s);
      const errors = s.stats().workloads[`${NS}/podinfo`]?.errors;
      await s.stop();
      app.stop();
      return errors;
    };
    const first = await errorsWith(5);
    expect(await errorsWith(5)).toBe(first);
    expect(first).toBeGreaterThan(60); // 10% of 1000, give or take
    expect(first).toBeLessThan(140);
  });

  it('serves apps added later, in other namespaces', async () => {
    const kube = new MemoryKube();
    sim = await startTrafficSimulator({ kube, apps: [], rate: RATE, autoTick: false });
    await kube.create(simDeployment({ namespace: 'late', name: 'web' }));
    await createSimPods(kube, { namespace: 'late', app: 'web', count: 2 });
    await kube.create(simService('late', 'web', { app: 'web' }));
    await sim.addApps([{ namespace: 'late', service: 'web', target: 'web', provider: 'kubernetes' }]);
    await sim.addApps([{ namespace: 'late', service: 'web', target: 'web', provider: 'kubernetes' }]); // no double traffic
    sim.step(1);
    expect(sim.stats().workloads).toEqual({ 'late/web': { requests: 100, errors: 0 } });
  });

  it('refuses a provider it cannot read routing for', async () => {
    await expect(
      startTrafficSimulator({ kube: new MemoryKube(), apps: [{ namespace: NS, service: 'a', target: 'a', provider: 'skipper' }], rate: 1 }),
    ).rejects.toThrow(/no routing reader for provider "skipper"/);
  });
});
