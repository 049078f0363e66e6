import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type Canary, type CanaryService, canary as canarySchema } from '../../../src/api/index.js';
import { resolveSettings } from '../../../src/engine/settings.js';
import type { Routes } from '../../../src/engine/types.js';
import { TRAEFIK_SERVICE, TraefikRouter } from '../../../src/routers/traefik.js';
import { RouterError } from '../../../src/routers/types.js';
import { runRouterContract } from '../../contract/router-contract.js';
import { cluster, DEPLOYMENT, deploymentObject, makeCanary, NS, ownerOf, ref, SERVICE, settled } from '../workloads/fixtures.js';

runRouterContract('traefik', (deps) => new TraefikRouter(deps), { providerTypes: [TRAEFIK_SERVICE] });

type Cluster = Awaited<ReturnType<typeof cluster>>;

interface WeightedService { name: string; kind?: string; port: number | string; weight?: number }
interface TraefikServiceShape { metadata: { name: string; ownerReferences?: unknown[] }; spec: { weighted?: { services: WeightedService[] }; mirroring?: unknown } }

const EXAMPLES = resolve(import.meta.dirname, '../../fixtures/flagger/docs/complete');
const r = (primary: number, canary: number, mirror = false): Routes => ({ primary, canary, mirror });
const split = (primary: number, canary: number, svc = 'podinfo', port = 9898): WeightedService[] => [
  { name: `${svc}-primary`, port, weight: primary },
  { name: `${svc}-canary`, port, weight: canary },
];

/** A Flagger example as a Pennant Canary, with the uid the API server would give it. */
function example(file: string): Canary {
  const text = readFileSync(join(EXAMPLES, file), 'utf8').replace(/flagger\.app\/v1\w+/g, 'pennant.dev/v1beta1');
  const parsed = canarySchema.parse(parse(text));
  return { ...parsed, metadata: { ...parsed.metadata, namespace: NS, uid: 'uid-example' } };
}

describe('TraefikRouter', () => {
  let c: Cluster;
  let router: TraefikRouter;

  beforeEach(async () => {
    c = await cluster([DEPLOYMENT, SERVICE, TRAEFIK_SERVICE]);
    router = new TraefikRouter({ kube: c.client, cache: c.cache });
    await c.kube.create(deploymentObject());
    await settled();
  });

  const canaryWith = (service: Partial<CanaryService> = {}, analysis: Partial<Canary['spec']['analysis']> = {}): Canary =>
    makeCanary({ spec: { provider: 'traefik', service: { port: 9898, ...service } }, analysis });
  const traefikService = async (name = 'podinfo') => (await c.kube.get(ref(TRAEFIK_SERVICE, name))) as unknown as TraefikServiceShape | null;
  const reconcile = async (canary: Canary) => {
    await router.reconcile(canary);
    await settled();
  };
  const setRoutes = async (canary: Canary, routes: Routes) => {
    await router.setRoutes(canary, routes);
    await settled();
  };

  it('has weights only: no header matches (as in Flagger), no mirroring with weights', () => {
    expect(router.capabilities).toEqual({ provider: 'traefik', weights: true, match: false, mirror: false, mirrorWeight: false, sessionAffinity: false });
    expect(router.watches).toEqual(expect.arrayContaining([TRAEFIK_SERVICE, SERVICE, DEPLOYMENT]));
  });

  describe("Flagger's Traefik tutorial, apiVersion swapped", () => {
    const tutorial = (): Canary => example('docs_gitbook_tutorials_traefik-progressive-delivery_1_Canary.yaml');

    it('a TraefikService podinfo (the IngressRoute sends to it) with podinfo-primary:80 at 100, owned by the Canary', async () => {
      const canary = tutorial();
      await reconcile(canary);
      const written = await traefikService();
      expect(written?.metadata.ownerReferences).toEqual([ownerOf(canary)]);
      expect(written?.spec).toEqual({ weighted: { services: split(100, 0, 'podinfo', 80) } });
    });

    it.each<Routes>([r(95, 5), r(90, 10), r(50, 50), r(0, 100), r(100, 0)])('its weight steps: %o', async (to) => {
      const canary = tutorial();
      await reconcile(canary);
      await setRoutes(canary, to);
      expect((await traefikService())?.spec.weighted?.services).toEqual(split(to.primary, to.canary, 'podinfo', 80));
      expect(router.getRoutes(canary)).toEqual(to);
    });

    it('its strategy runs as weight steps; an A/B spec on it runs as blue/green, which the engine says', () => {
      expect(resolveSettings(tutorial(), router.capabilities)).toMatchObject({ strategy: 'canary', stepWeight: 5, maxWeight: 50, adjustments: [] });
      const abSpec = canaryWith({}, { iterations: 10, match: [{ headers: { 'x-canary': { exact: 'insider' } } }] });
      expect(resolveSettings(abSpec, router.capabilities)).toMatchObject({ strategy: 'blueGreen', adjustments: [expect.stringMatching(/cannot match requests/)] });
    });
  });

  it.each<[string, WeightedService[] | undefined, Routes | null]>([
    ['Flagger leaves the canary out at weight 0', [{ name: 'podinfo-primary', port: 80, weight: 100 }], r(100, 0)],
    ['both listed', [{ name: 'podinfo-primary', port: 80, weight: 60 }, { name: 'podinfo-canary', port: 80, weight: 40 }], r(60, 40)],
    ['a nested TraefikService of the same name is not the canary', [{ name: 'podinfo-primary', port: 80, weight: 100 }, { name: 'podinfo-canary', kind: 'TraefikService', port: 80, weight: 50 }], r(100, 0)],
  ])('reads an existing TraefikService: %s', async (_, services, routes) => {
    await c.kube.create({ apiVersion: TRAEFIK_SERVICE.apiVersion, kind: TRAEFIK_SERVICE.kind, metadata: { name: 'podinfo', namespace: NS }, spec: { weighted: { services } } });
    await settled();
    expect(router.getRoutes(canaryWith())).toEqual(routes);
  });

  it('a TraefikService that is not weighted reads as no routes yet, and reconcile makes it weighted', async () => {
    await c.kube.create({ apiVersion: TRAEFIK_SERVICE.apiVersion, kind: TRAEFIK_SERVICE.kind, metadata: { name: 'podinfo', namespace: NS }, spec: { mirroring: { name: 'podinfo-primary', port: 9898 } } });
    await settled();
    const canary = canaryWith();
    expect(router.getRoutes(canary)).toBeNull();
    await reconcile(canary);
    expect(router.getRoutes(canary)).toEqual(r(100, 0));
  });

  it.each<[string, Routes, RegExp]>([
    ['mirroring', r(100, 0, true), /cannot mirror/],
    ['A/B routes', { ...r(0, 100), matchedOnly: true }, /no A\/B testing/],
    ['fractions', r(97.5, 2.5), /whole numbers/],
    ['negative weights', r(110, -10), /whole numbers/],
  ])('%s are a RouterError, nothing written', async (_, routes, message) => {
    const canary = canaryWith();
    await reconcile(canary);
    c.client.writes.length = 0;
    await expect(router.setRoutes(canary, routes)).rejects.toThrow(RouterError);
    await expect(router.setRoutes(canary, routes)).rejects.toThrow(message);
    expect(c.client.writes).toEqual([]);
  });

  it('service.name and port name the TraefikService and its services', async () => {
    await reconcile(canaryWith({ name: 'frontend', port: 8080 }));
    expect((await traefikService('frontend'))?.spec.weighted?.services).toEqual(split(100, 0, 'frontend', 8080));
  });

  it('finalize: the TraefikService sends everything to the apex Service, which selects the target pods; both released', async () => {
    const canary = canaryWith();
    await reconcile(canary);
    await setRoutes(canary, r(30, 70));
    await router.finalize(canary);
    await settled();
    const written = await traefikService();
    expect(written?.spec).toEqual({ weighted: { services: [{ name: 'podinfo', port: 9898, weight: 100 }] } });
    expect(written?.metadata.ownerReferences ?? []).toEqual([]);
    const apex = await c.kube.get(ref(SERVICE, 'podinfo'));
    expect((apex?.spec as { selector: unknown }).selector).toEqual({ app: 'podinfo' });
  });
});
