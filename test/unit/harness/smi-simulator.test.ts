import { afterEach, describe, expect, it } from 'vitest';
import type { Routes } from '../../../src/engine/types.js';
import { startTrafficSimulator, type TrafficSimulator } from '../../harness/index.js';
import { NS, type RoutedApp, routedApp } from './fixtures.js';

// 100 req/s for 10 s = 1000 requests to the apex, split as Pennant's SMI router wrote the TrafficSplit.
const RATE = 100;
const SECONDS = 10;
const r = (primary: number, canary: number): Routes => ({ primary, canary, mirror: false });
const SPLIT_V1ALPHA1 = { apiVersion: 'split.smi-spec.io/v1alpha1', kind: 'TrafficSplit' };

describe('traffic simulator playing the Linkerd proxies: the TrafficSplit', () => {
  let app: RoutedApp | undefined;
  let sim: TrafficSimulator | undefined;
  afterEach(async () => {
    await sim?.stop();
    app?.stop();
    sim = undefined;
    app = undefined;
  });

  async function served(provider: 'linkerd' | 'smi:v1alpha2', change: (app: RoutedApp) => Promise<void>) {
    app = await routedApp(provider);
    await change(app);
    await app.settle();
    sim = await startTrafficSimulator({ kube: app.kube, apps: [{ namespace: NS, service: 'podinfo', target: 'podinfo', provider }], rate: RATE, autoTick: false });
    sim.step(SECONDS);
    const { workloads } = sim.stats();
    return { primary: workloads[`${NS}/podinfo-primary`]?.requests ?? 0, canary: workloads[`${NS}/podinfo`]?.requests ?? 0 };
  }

  it.each(['linkerd', 'smi:v1alpha2'] as const)('%s: 80/20 by weight', async (provider) => {
    const split = await served(provider, (a) => a.router.setRoutes(a.canary, r(80, 20)));
    expect(split.primary).toBeGreaterThanOrEqual(798);
    expect(split.canary).toBeGreaterThanOrEqual(198);
    expect(split.primary + split.canary).toBeLessThanOrEqual(1000);
  });

  it.each(['linkerd', 'smi:v1alpha2'] as const)('%s: 100/0 right after reconcile, nothing to the canary', async (provider) => {
    expect(await served(provider, async () => undefined)).toEqual({ primary: 999, canary: 0 });
  });

  it('reads quantities as Linkerd does: "750m" and "250m" are 3 to 1', async () => {
    const split = await served('linkerd', async (a) => {
      await a.kube.patch({ ...SPLIT_V1ALPHA1, namespace: NS, name: 'podinfo' }, { spec: { backends: [{ service: 'podinfo-canary', weight: '250m' }, { service: 'podinfo-primary', weight: '750m' }] } }, 'merge');
    });
    expect(split.primary).toBeGreaterThanOrEqual(748);
    expect(split.canary).toBeGreaterThanOrEqual(248);
  });

  it('a TrafficSplit of another service does not route the apex: everything reaches it, so the primary', async () => {
    const split = await served('linkerd', async (a) => {
      await a.router.setRoutes(a.canary, r(0, 100));
      await a.kube.patch({ ...SPLIT_V1ALPHA1, namespace: NS, name: 'podinfo' }, { spec: { service: 'backend' } }, 'merge');
    });
    expect(split).toEqual({ primary: 999, canary: 0 });
  });
});
