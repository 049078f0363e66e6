import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type Canary, type CanaryService, canary as canarySchema } from '../../../src/api/index.js';
import type { Routes } from '../../../src/engine/types.js';
import { ContourRouter, HTTPPROXY } from '../../../src/routers/contour.js';
import { RouterError } from '../../../src/routers/types.js';
import { runRouterContract } from '../../contract/router-contract.js';
import { cluster, DEPLOYMENT, deploymentObject, makeCanary, NS, ownerOf, ref, SERVICE, settled } from '../workloads/fixtures.js';

runRouterContract('contour', (deps) => new ContourRouter(deps), { providerTypes: [HTTPPROXY] });

type Cluster = Awaited<ReturnType<typeof cluster>>;
type Analysis = Canary['spec']['analysis'];
type Condition = Record<string, unknown>;

interface ProxyService { name: string; port: number; weight?: number; mirror?: boolean; requestHeadersPolicy?: unknown }
interface ProxyRoute { conditions: Condition[]; services: ProxyService[]; timeoutPolicy?: unknown; retryPolicy?: unknown }
interface ProxyShape { metadata: { name: string; ownerReferences?: unknown[] }; spec: { virtualhost?: unknown; routes: ProxyRoute[] } }

const EXAMPLES = resolve(import.meta.dirname, '../../fixtures/flagger/docs/complete');
const r = (primary: number, canary: number, mirror = false): Routes => ({ primary, canary, mirror });
const ab = (): Routes => ({ primary: 0, canary: 100, mirror: false, matchedOnly: true });
const l5d = (name: string, port: number) => ({ set: [{ name: 'l5d-dst-override', value: `${name}.${NS}.svc.cluster.local:${port}` }] });
const svc = (name: string, weight: number, port = 9898): ProxyService => ({ name, port, weight, requestHeadersPolicy: l5d(name, port) });
const split = (primary: number, canary: number, name = 'podinfo', port = 9898) => [svc(`${name}-primary`, primary, port), svc(`${name}-canary`, canary, port)];
const mirrorOf = (weight?: number) => ({ name: 'podinfo-canary', port: 9898, mirror: true, ...(weight ? { weight } : {}) });

/** A Flagger example as a Pennant Canary on the contour provider, with the uid the API server would give it. */
function example(file: string): Canary {
  const text = readFileSync(join(EXAMPLES, file), 'utf8').replace(/flagger\.app\/v1\w+/g, 'pennant.dev/v1beta1');
  const parsed = canarySchema.parse(parse(text));
  return { ...parsed, metadata: { ...parsed.metadata, namespace: NS, uid: 'uid-example' }, spec: { ...parsed.spec, provider: 'contour' } };
}

describe('ContourRouter', () => {
  let c: Cluster;
  let router: ContourRouter;

  beforeEach(async () => {
    c = await cluster([DEPLOYMENT, SERVICE, HTTPPROXY]);
    router = new ContourRouter({ kube: c.client, cache: c.cache });
    await c.kube.create(deploymentObject());
    await settled();
  });

  const canaryWith = (service: Partial<CanaryService> = {}, analysis: Partial<Analysis> = {}): Canary =>
    makeCanary({ spec: { provider: 'contour', service: { port: 9898, ...service } }, analysis });
  const abTesting = (match: Analysis['match'], service: Partial<CanaryService> = {}) => canaryWith(service, { iterations: 10, match });
  const proxy = async (name = 'podinfo') => (await c.kube.get(ref(HTTPPROXY, name))) as unknown as ProxyShape | null;
  const routes = async () => (await proxy())?.spec.routes;
  const reconcile = async (canary: Canary) => {
    await router.reconcile(canary);
    await settled();
  };
  const setRoutes = async (canary: Canary, to: Routes) => {
    await router.setRoutes(canary, to);
    await settled();
  };

  describe('--ingress-class (Flagger\'s -ingress-class)', () => {
    it('names the class in spec.ingressClassName, kept through every step and finalize', async () => {
      const classy = new ContourRouter({ kube: c.client, cache: c.cache, ingressClass: 'contour-external' });
      const canary = canaryWith();
      await classy.reconcile(canary);
      await settled();
      expect((await proxy())?.spec).toEqual(expect.objectContaining({ ingressClassName: 'contour-external' }));
      await classy.setRoutes(canary, r(90, 10));
      await settled();
      expect((await proxy())?.spec).toEqual(expect.objectContaining({ ingressClassName: 'contour-external' }));
      await classy.finalize(canary);
      await settled();
      expect((await proxy())?.spec).toEqual(expect.objectContaining({ ingressClassName: 'contour-external' }));
    });

    it('without it, no class: Contour\'s default rules apply', async () => {
      await reconcile(canaryWith());
      expect((await proxy())?.spec).not.toHaveProperty('ingressClassName');
    });
  });

  it('has weights, match and mirror, and watches HTTPProxies', () => {
    expect(router.capabilities).toEqual({ provider: 'contour', weights: true, match: true, mirror: true, mirrorWeight: true, sessionAffinity: false });
    expect(router.watches).toEqual(expect.arrayContaining([HTTPPROXY, SERVICE, DEPLOYMENT]));
  });

  describe("Flagger's Contour tutorial, apiVersion swapped", () => {
    const tutorial = (): Canary => example('docs_gitbook_tutorials_contour-progressive-delivery_0_Canary.yaml');
    const policies = { timeoutPolicy: { response: '15s' }, retryPolicy: { count: 3, perTryTimeout: '5s', retryOn: ['5xx'] } };

    it('an HTTPProxy podinfo without a virtual host (the root proxy includes it), timeout and retries on the route, owned by the Canary', async () => {
      const canary = tutorial();
      await reconcile(canary);
      const written = await proxy();
      expect(written?.metadata.ownerReferences).toEqual([ownerOf(canary)]);
      expect(written?.spec.virtualhost).toBeUndefined();
      expect(written?.spec.routes).toEqual([{ conditions: [{ prefix: '/' }], ...policies, services: split(100, 0, 'podinfo', 80) }]);
    });

    it.each<Routes>([r(95, 5), r(50, 50), r(0, 100), r(100, 0)])('its weight steps: %o', async (to) => {
      const canary = tutorial();
      await reconcile(canary);
      await setRoutes(canary, to);
      expect(await routes()).toEqual([{ conditions: [{ prefix: '/' }], ...policies, services: split(to.primary, to.canary, 'podinfo', 80) }]);
      expect(router.getRoutes(canary)).toEqual(to);
    });
  });

  it.each<[string, Partial<CanaryService>, Condition[][]]>([
    ['no service.match: everything', {}, [[{ prefix: '/' }]]],
    ['uri prefix', { match: [{ uri: { prefix: '/api' } }] }, [[{ prefix: '/api' }]]],
    ['uri exact', { match: [{ uri: { exact: '/healthz' } }] }, [[{ exact: '/healthz' }]]],
    ['uri regex', { match: [{ uri: { regex: '/v[0-9]+/.*' } }] }, [[{ regex: '/v[0-9]+/.*' }]]],
    ['several uris: a route each (Contour allows one path condition per route)', { match: [{ uri: { prefix: '/a' } }, { uri: { prefix: '/b' } }] }, [[{ prefix: '/a' }], [{ prefix: '/b' }]]],
    ['a match without uri: everything', { match: [{ headers: { x: { exact: 'y' } } }] }, [[{ prefix: '/' }]]],
  ])('service.match %s', async (_, service, conditions) => {
    const canary = canaryWith(service);
    await reconcile(canary);
    await setRoutes(canary, r(70, 30));
    expect((await routes())?.map((route) => route.conditions)).toEqual(conditions);
    expect((await routes())?.every((route) => JSON.stringify(route.services) === JSON.stringify(split(70, 30)))).toBe(true);
    expect(router.getRoutes(canary)).toEqual(r(70, 30));
  });

  it.each<[string, NonNullable<CanaryService['retries']>, unknown]>([
    ['several retryOn conditions, comma-separated as Istio writes them', { attempts: 2, retryOn: 'gateway-error, connect-failure,refused-stream' }, { count: 2, retryOn: ['gateway-error', 'connect-failure', 'refused-stream'] }],
    ['attempts only', { attempts: 5 }, { count: 5 }],
  ])('retries: %s', async (_, retries, retryPolicy) => {
    await reconcile(canaryWith({ retries }));
    expect((await routes())?.[0]?.retryPolicy).toEqual(retryPolicy);
  });

  describe('mirroring', () => {
    it.each<[string, Partial<Analysis>, Routes, ProxyService[]]>([
      ['the canary as mirror service, everything mirrored', {}, r(100, 0, true), [...split(100, 0), mirrorOf()]],
      ['with weights', {}, r(90, 10, true), [...split(90, 10), mirrorOf()]],
      ['analysis.mirrorWeight is the share mirrored', { mirror: true, mirrorWeight: 25 }, r(100, 0, true), [...split(100, 0), mirrorOf(25)]],
    ])('%s', async (_, analysis, to, services) => {
      const canary = canaryWith({}, analysis);
      await reconcile(canary);
      await setRoutes(canary, to);
      expect((await routes())?.[0]?.services).toEqual(services);
      expect(router.getRoutes(canary)).toEqual(to);
      await setRoutes(canary, r(100, 0));
      expect((await routes())?.[0]?.services).toEqual(split(100, 0));
    });
  });

  describe('A/B testing (analysis.match and iterations)', () => {
    interface AbRow { rule: string; match: Analysis['match']; conditions: Condition[][]; service?: Partial<CanaryService> }
    const abRows: AbRow[] = [
      { rule: 'header exact', match: [{ headers: { 'x-canary': { exact: 'insider' } } }], conditions: [[{ prefix: '/' }, { header: { name: 'x-canary', exact: 'insider' } }]] },
      { rule: 'header regex', match: [{ headers: { 'user-agent': { regex: '.*Firefox.*' } } }], conditions: [[{ prefix: '/' }, { header: { name: 'user-agent', regex: '.*Firefox.*' } }]] },
      { rule: 'header prefix → escaped regex (Flagger used contains)', match: [{ headers: { 'x-version': { prefix: 'v1.2' } } }], conditions: [[{ prefix: '/' }, { header: { name: 'x-version', regex: '^v1\\.2.*' } }]] },
      { rule: 'header suffix → escaped regex', match: [{ headers: { 'x-host': { suffix: '.example.com' } } }], conditions: [[{ prefix: '/' }, { header: { name: 'x-host', regex: '.*\\.example\\.com$' } }]] },
      {
        rule: 'an Istio-style cookie regex is a header regex',
        match: [{ headers: { cookie: { regex: '^(.*?;)?(canary=always)(;.*)?$' } } }],
        conditions: [[{ prefix: '/' }, { header: { name: 'cookie', regex: '^(.*?;)?(canary=always)(;.*)?$' } }]],
      },
      { rule: 'query parameter', match: [{ queryParams: { beta: { exact: 'on' } } }], conditions: [[{ prefix: '/' }, { queryParameter: { name: 'beta', exact: 'on' } }]] },
      {
        rule: 'headers and query parameters of one entry are one route (all must hold)',
        match: [{ headers: { 'x-a': { exact: '1' }, 'x-b': { exact: '2' } }, queryParams: { q: { regex: 'y.*' } } }],
        conditions: [[{ prefix: '/' }, { header: { name: 'x-a', exact: '1' } }, { header: { name: 'x-b', exact: '2' } }, { queryParameter: { name: 'q', regex: 'y.*' } }]],
      },
      {
        rule: 'several entries are several routes (any may hold; Flagger put them in one)',
        match: [{ headers: { 'x-a': { exact: '1' } } }, { headers: { 'x-b': { exact: '2' } } }],
        conditions: [[{ prefix: '/' }, { header: { name: 'x-a', exact: '1' } }], [{ prefix: '/' }, { header: { name: 'x-b', exact: '2' } }]],
      },
      {
        rule: 'service.match uri is part of every A/B route',
        match: [{ headers: { 'x-canary': { exact: 'insider' } } }],
        service: { match: [{ uri: { prefix: '/api' } }] },
        conditions: [[{ prefix: '/api' }, { header: { name: 'x-canary', exact: 'insider' } }]],
      },
    ];

    it.each(abRows)('matching requests to the canary, in routes of their own in front of the default one: $rule', async ({ match, conditions, service }) => {
      const canary = abTesting(match, service);
      await reconcile(canary);
      await setRoutes(canary, ab());
      const written = await routes();
      expect(written?.slice(0, -1).map((route) => route.conditions)).toEqual(conditions);
      expect(written?.slice(0, -1).every((route) => JSON.stringify(route.services) === JSON.stringify(split(0, 100)))).toBe(true);
      expect(written?.at(-1)?.services).toEqual(split(100, 0));
      expect(router.getRoutes(canary)).toEqual(ab());
    });

    it('at 100/0 there is only the default route; reconcile keeps A/B without a write', async () => {
      const canary = abTesting([{ headers: { 'x-canary': { exact: 'insider' } } }]);
      await reconcile(canary);
      await setRoutes(canary, ab());
      c.client.writes.length = 0;
      await reconcile(canary);
      expect(c.client.writes).toEqual([]);
      await setRoutes(canary, r(100, 0));
      expect(await routes()).toEqual([{ conditions: [{ prefix: '/' }], services: split(100, 0) }]);
    });

    it.each<[string, Analysis['match'], RegExp]>([
      ['source labels', [{ sourceLabels: { app: 'frontend' } }], /analysis\.match\[0\]\.sourceLabels cannot be expressed/],
      ['an entry with nothing to match', [{}], /analysis\.match\[0\] names no header or query parameter/],
      ['a header without a value to match', [{ headers: { 'x-a': {} } }], /analysis\.match\[0\]\.headers\.x-a has no exact, regex, prefix or suffix/],
    ])('%s is a RouterError, at reconcile and at setRoutes, nothing written', async (_, match, message) => {
      const canary = abTesting(match);
      await expect(router.reconcile(canary)).rejects.toThrow(RouterError);
      await expect(router.reconcile(canary)).rejects.toThrow(message);
      await expect(router.setRoutes(canary, ab())).rejects.toThrow(message);
      expect(await proxy()).toBeNull();
    });

    it('A/B routes without analysis.match are a RouterError', async () => {
      const canary = canaryWith();
      await reconcile(canary);
      await expect(router.setRoutes(canary, ab())).rejects.toThrow(/analysis\.match/);
    });

    it('reads an HTTPProxy Flagger wrote for A/B testing (header route first, weights on it)', async () => {
      const canary = abTesting([{ headers: { 'x-canary': { exact: 'insider' } } }]);
      await c.kube.create({
        apiVersion: HTTPPROXY.apiVersion,
        kind: HTTPPROXY.kind,
        metadata: { name: 'podinfo', namespace: NS },
        spec: {
          routes: [
            { conditions: [{ header: { name: 'x-canary', exact: 'insider' } }, { prefix: '/' }], services: [{ name: 'podinfo-primary', port: 9898, weight: 0 }, { name: 'podinfo-canary', port: 9898, weight: 100 }] },
            { conditions: [{ prefix: '/' }], services: [{ name: 'podinfo-primary', port: 9898, weight: 100 }, { name: 'podinfo-canary', port: 9898, weight: 0 }] },
          ],
        },
      });
      await settled();
      expect(router.getRoutes(canary)).toEqual(ab());
    });
  });

  it('fractional weights are a RouterError', async () => {
    const canary = canaryWith();
    await reconcile(canary);
    await expect(router.setRoutes(canary, r(97.5, 2.5))).rejects.toThrow(/whole numbers/);
  });

  it('finalize: every request through the HTTPProxy to the apex Service, which selects the target pods; both released', async () => {
    const canary = abTesting([{ headers: { 'x-canary': { exact: 'insider' } } }], { timeout: '15s' });
    await reconcile(canary);
    await setRoutes(canary, ab());
    await router.finalize(canary);
    await settled();
    expect(await routes()).toEqual([{ conditions: [{ prefix: '/' }], timeoutPolicy: { response: '15s' }, services: [svc('podinfo', 100)] }]);
    expect((await proxy())?.metadata.ownerReferences ?? []).toEqual([]);
    const apex = await c.kube.get(ref(SERVICE, 'podinfo'));
    expect((apex?.spec as { selector: unknown }).selector).toEqual({ app: 'podinfo' });
  });
});
