import { beforeEach, describe, expect, it } from 'vitest';
import type { Canary, CanaryService } from '../../../src/api/index.js';
import { resolveSettings } from '../../../src/engine/settings.js';
import type { Routes } from '../../../src/engine/types.js';
import type { ResourceType } from '../../../src/kube/types.js';
import { quantity, type SmiProvider, SmiRouter, trafficSplitType } from '../../../src/routers/smi.js';
import { RouterError } from '../../../src/routers/types.js';
import { runRouterContract } from '../../contract/router-contract.js';
import { cluster, DEPLOYMENT, deploymentObject, makeCanary, NS, ownerOf, ref, SERVICE, settled } from '../workloads/fixtures.js';

const PROVIDERS: SmiProvider[] = ['linkerd', 'smi:v1alpha1', 'smi:v1alpha2', 'smi:v1alpha3'];

for (const provider of PROVIDERS) {
  runRouterContract(provider, (deps) => new SmiRouter(deps, provider), { providerTypes: [trafficSplitType(provider)] });
}

type Cluster = Awaited<ReturnType<typeof cluster>>;

interface Backend { service: string; weight: number | string }
interface TrafficSplitShape { apiVersion: string; metadata: { name: string; ownerReferences?: unknown[]; annotations?: Record<string, string> }; spec: { service: string; backends: Backend[] } }

const r = (primary: number, canary: number, mirror = false): Routes => ({ primary, canary, mirror });

describe.each<[SmiProvider, string, (w: number) => number | string]>([
  // Flagger's linkerd router writes v1alpha1, its weights Kubernetes quantities ("100").
  ['linkerd', 'split.smi-spec.io/v1alpha1', String],
  ['smi:v1alpha1', 'split.smi-spec.io/v1alpha1', String],
  ['smi:v1alpha2', 'split.smi-spec.io/v1alpha2', (w) => w],
  ['smi:v1alpha3', 'split.smi-spec.io/v1alpha3', (w) => w],
])('SmiRouter %s', (provider, apiVersion, weight) => {
  const type: ResourceType = { apiVersion, kind: 'TrafficSplit' };
  let c: Cluster;
  let router: SmiRouter;

  beforeEach(async () => {
    c = await cluster([DEPLOYMENT, SERVICE, type]);
    router = new SmiRouter({ kube: c.client, cache: c.cache }, provider);
    await c.kube.create(deploymentObject());
    await settled();
  });

  const canaryWith = (service: Partial<CanaryService> = {}, analysis: Partial<Canary['spec']['analysis']> = {}): Canary =>
    makeCanary({ spec: { provider, service: { port: 9898, ...service } }, analysis });
  const split = async (name = 'podinfo') => (await c.kube.get(ref(type, name))) as unknown as TrafficSplitShape | null;
  const backends = (primary: number, canary: number, svc = 'podinfo'): Backend[] => [
    { service: `${svc}-canary`, weight: weight(canary) },
    { service: `${svc}-primary`, weight: weight(primary) },
  ];
  const reconcile = async (canary: Canary) => {
    await router.reconcile(canary);
    await settled();
  };

  it(`writes ${apiVersion}: weights only, no A/B testing or mirroring (as in Flagger)`, () => {
    expect(router.capabilities).toEqual({ provider, weights: true, match: false, mirror: false, mirrorWeight: false, sessionAffinity: false });
    expect(router.watches).toEqual(expect.arrayContaining([type, SERVICE, DEPLOYMENT]));
  });

  it('a TrafficSplit named after the apex Service, splitting it: canary at 0, primary at 100, owned by the Canary', async () => {
    const canary = canaryWith();
    await reconcile(canary);
    const written = await split();
    expect(written?.apiVersion).toBe(apiVersion);
    expect(written?.metadata.ownerReferences).toEqual([ownerOf(canary)]);
    expect(written?.metadata.annotations).toMatchObject({ 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' });
    expect(written?.spec).toEqual({ service: 'podinfo', backends: backends(100, 0) });
  });

  it.each<Routes>([r(90, 10), r(50, 50), r(0, 100), r(100, 0)])('weight steps: %o', async (to) => {
    const canary = canaryWith();
    await reconcile(canary);
    await router.setRoutes(canary, to);
    await settled();
    expect((await split())?.spec.backends).toEqual(backends(to.primary, to.canary));
    expect(router.getRoutes(canary)).toEqual(to);
  });

  it('service.name names the TrafficSplit and its backends; service.hosts[0] is the service it splits (Flagger)', async () => {
    await reconcile(canaryWith({ name: 'frontend', hosts: ['frontend.example.com', 'other'] }));
    expect((await split('frontend'))?.spec).toEqual({ service: 'frontend.example.com', backends: backends(100, 0, 'frontend') });
  });

  it('an A/B spec runs as blue/green, which the engine says', () => {
    const abSpec = canaryWith({}, { stepWeight: undefined, maxWeight: undefined, iterations: 10, match: [{ headers: { 'x-canary': { exact: 'insider' } } }] });
    expect(resolveSettings(abSpec, router.capabilities)).toMatchObject({ strategy: 'blueGreen', adjustments: [expect.stringMatching(/cannot match requests/)] });
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

  it('finalize: the TrafficSplit sends everything to the apex Service, which selects the target pods; both released', async () => {
    const canary = canaryWith();
    await reconcile(canary);
    await router.setRoutes(canary, r(30, 70));
    await settled();
    await router.finalize(canary);
    await settled();
    const written = await split();
    expect(written?.spec).toEqual({ service: 'podinfo', backends: [{ service: 'podinfo', weight: weight(100) }] });
    expect(written?.metadata.ownerReferences ?? []).toEqual([]);
    const apex = await c.kube.get(ref(SERVICE, 'podinfo'));
    expect((apex?.spec as { selector: unknown }).selector).toEqual({ app: 'podinfo' });
  });
});

describe('an existing TrafficSplit (split.smi-spec.io/v1alpha1, as Linkerd users write it)', () => {
  const type = trafficSplitType('linkerd');

  it.each<[string, Backend[], Routes]>([
    ['quantities', [{ service: 'podinfo-primary', weight: '60' }, { service: 'podinfo-canary', weight: '40' }], r(60, 40)],
    ['integers', [{ service: 'podinfo-primary', weight: 100 }], r(100, 0)],
    ['another backend is not ours', [{ service: 'podinfo-primary', weight: '100' }, { service: 'other', weight: '50' }], r(100, 0)],
  ])('is read: %s', async (_, backends, routes) => {
    const c = await cluster([DEPLOYMENT, SERVICE, type]);
    await c.kube.create({ apiVersion: type.apiVersion, kind: type.kind, metadata: { name: 'podinfo', namespace: NS }, spec: { service: 'podinfo', backends } });
    await settled();
    expect(new SmiRouter({ kube: c.client, cache: c.cache }, 'linkerd').getRoutes(makeCanary({ spec: { provider: 'linkerd' } }))).toEqual(routes);
  });

  it.each<[number | string | undefined, number]>([
    [100, 100], ['100', 100], ['500m', 0.5], ['1k', 1000], [' 7 ', 7], ['1.5', 1.5], ['ten', 0], ['-5', 0], [undefined, 0],
  ])('weight %j is %d', (weight, value) => {
    expect(quantity(weight)).toBe(value);
  });
});
