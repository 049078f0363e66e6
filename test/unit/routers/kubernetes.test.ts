import { beforeEach, describe, expect, it } from 'vitest';
import type { Canary } from '../../../src/api/index.js';
import type { Routes } from '../../../src/engine/types.js';
import { KubernetesRouter } from '../../../src/routers/kubernetes.js';
import { RouterError } from '../../../src/routers/types.js';
import { cluster, DEPLOYMENT, deploymentObject, makeCanary, ref, SERVICE, settled } from '../workloads/fixtures.js';

type Cluster = Awaited<ReturnType<typeof cluster>>;
const r = (primary: number, canary: number, mirror = false): Routes => ({ primary, canary, mirror });

describe('KubernetesRouter', () => {
  let c: Cluster;
  let router: KubernetesRouter;
  const selectorOf = async (name: string) => ((await c.kube.get(ref(SERVICE, name)))?.spec as { selector?: Record<string, string> } | undefined)?.selector;

  beforeEach(async () => {
    c = await cluster([DEPLOYMENT, SERVICE]);
    router = new KubernetesRouter({ kube: c.client, cache: c.cache });
  });

  const start = async (target = 'podinfo'): Promise<Canary> => {
    await c.kube.create(deploymentObject({ name: target }));
    await settled();
    const canary = makeCanary({ spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target }, service: { port: 9898, name: 'web' } } });
    await router.reconcile(canary);
    await settled();
    return canary;
  };

  it('switches only: no weights, no match, no mirror', () => {
    expect(router.capabilities).toEqual({ provider: 'kubernetes', weights: false, match: false, mirror: false, mirrorWeight: false, sessionAffinity: false });
  });

  it.each<[Routes, string]>([
    [r(100, 0), 'podinfo-primary'],
    [r(0, 100), 'podinfo'],
  ])('setRoutes %o points the apex at %s pods and leaves -primary and -canary alone', async (routes, pods) => {
    const canary = await start();
    await router.setRoutes(canary, routes);
    await settled();
    expect(await selectorOf('web')).toEqual({ app: pods });
    expect(await selectorOf('web-primary')).toEqual({ app: 'podinfo-primary' });
    expect(await selectorOf('web-canary')).toEqual({ app: 'podinfo' });
  });

  it.each<Routes>([r(90, 10), r(50, 50), r(1, 99), r(0, 0)])('refuses the split %o, naming it', async (routes) => {
    const canary = await start();
    const err = await router.setRoutes(canary, routes).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(RouterError);
    expect((err as Error).message).toContain(`${routes.primary}/${routes.canary}`);
  });

  it.each<Routes>([r(100, 0), r(0, 100)])('reads %o back for a target whose own label value ends in "-primary"', async (routes) => {
    const canary = await start('db-primary');
    await router.setRoutes(canary, routes);
    await settled();
    expect(router.getRoutes(canary)).toEqual(routes);
  });
});
