import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type Canary, type CanaryService, canary as canarySchema } from '../../../src/api/index.js';
import type { Routes } from '../../../src/engine/types.js';
import { DESTINATION_RULE, IstioRouter, VIRTUAL_SERVICE } from '../../../src/routers/istio.js';
import { RouterError } from '../../../src/routers/types.js';
import { cluster, DEPLOYMENT, deploymentObject, makeCanary, NS, ownerOf, ref, SERVICE, settled } from '../workloads/fixtures.js';

type Cluster = Awaited<ReturnType<typeof cluster>>;
type Analysis = Canary['spec']['analysis'];
type Match = Record<string, unknown>;

interface Dest { destination: { host: string; port?: { number: number } }; weight: number; headers?: unknown }
interface HttpRoute { name?: string; match?: Match[]; route: Dest[]; mirror?: unknown; mirrorPercentage?: unknown; [option: string]: unknown }
interface VirtualServiceShape {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: unknown[] };
  spec: { hosts?: string[]; gateways?: string[]; http: HttpRoute[] };
}
interface DestinationRuleShape { metadata: { ownerReferences?: unknown[] }; spec: { host: string; trafficPolicy?: unknown } }

const EXAMPLES = resolve(import.meta.dirname, '../../fixtures/flagger/docs/complete');
const r = (primary: number, canary: number, mirror = false): Routes => ({ primary, canary, mirror });
const ab = (): Routes => ({ primary: 0, canary: 100, mirror: false, matchedOnly: true });
const dests = (primary: number, canary: number, svc = 'podinfo'): Dest[] => [
  { destination: { host: `${svc}-primary` }, weight: primary },
  { destination: { host: `${svc}-canary` }, weight: canary },
];
const canaryWith = (service: Partial<CanaryService> = {}, analysis: Partial<Analysis> = {}): Canary =>
  makeCanary({ spec: { provider: 'istio', service: { port: 9898, ...service } }, analysis });
const abTesting = (match: Analysis['match'], service: Partial<CanaryService> = {}) => canaryWith(service, { iterations: 10, match });

/** A Flagger example as a Pennant Canary, with the uid the API server would give it. */
function example(file: string): Canary {
  const text = readFileSync(join(EXAMPLES, file), 'utf8').replace(/flagger\.app\/v1\w+/g, 'pennant.dev/v1beta1');
  const parsed = canarySchema.parse(parse(text));
  return { ...parsed, metadata: { ...parsed.metadata, namespace: NS, uid: 'uid-example' } };
}

describe('IstioRouter', () => {
  let c: Cluster;
  let router: IstioRouter;

  beforeEach(async () => {
    c = await cluster([DEPLOYMENT, SERVICE, VIRTUAL_SERVICE, DESTINATION_RULE]);
    router = new IstioRouter({ kube: c.client, cache: c.cache });
    await c.kube.create(deploymentObject());
    await settled();
  });

  const virtualService = async (name = 'podinfo') => (await c.kube.get(ref(VIRTUAL_SERVICE, name))) as unknown as VirtualServiceShape | null;
  const http = async () => (await virtualService())?.spec.http;
  const destinationRule = async (name: string) => (await c.kube.get(ref(DESTINATION_RULE, name))) as unknown as DestinationRuleShape | null;
  const reconcile = async (canary: Canary) => {
    await router.reconcile(canary);
    await settled();
  };
  const setRoutes = async (canary: Canary, routes: Routes) => {
    await router.setRoutes(canary, routes);
    await settled();
  };

  it('has weights, match and mirror, and watches what it reads', () => {
    expect(router.capabilities).toEqual({ provider: 'istio', weights: true, match: true, mirror: true, mirrorWeight: true, sessionAffinity: true });
    expect(router.watches).toEqual(expect.arrayContaining([VIRTUAL_SERVICE, DESTINATION_RULE, SERVICE, DEPLOYMENT]));
  });

  describe("Flagger's Istio examples, apiVersion swapped", () => {
    interface ExampleRow {
      file: string;
      hosts?: string[];
      gateways?: string[];
      options: Record<string, unknown>;
      trafficPolicy?: unknown;
    }
    const retries = { attempts: 3, perTryTimeout: '1s', retryOn: 'gateway-error,connect-failure,refused-stream' };
    it.each<ExampleRow>([
      {
        file: 'docs_gitbook_tutorials_istio-progressive-delivery_1_Canary.yaml',
        hosts: ['app.example.com', 'podinfo'], gateways: ['istio-system/public-gateway'], options: { retries }, trafficPolicy: { tls: { mode: 'DISABLE' } },
      },
      {
        file: 'docs_gitbook_tutorials_istio-progressive-delivery_2_Canary.yaml',
        hosts: ['app.example.com', 'podinfo'], gateways: ['istio-system/public-gateway'], options: { retries }, trafficPolicy: { tls: { mode: 'DISABLE' } },
      },
      {
        file: 'docs_gitbook_tutorials_istio-ab-testing_1_Canary.yaml',
        hosts: ['app.example.com', 'podinfo'], gateways: ['istio-system/public-gateway'], options: {}, trafficPolicy: { tls: { mode: 'DISABLE' } },
      },
      { file: 'docs_gitbook_usage_how-it-works_0_Canary.yaml', hosts: ['podinfo'], gateways: ['mesh'], options: {} },
      { file: 'docs_gitbook_faq_17_Canary.yaml', options: {} },
    ])('$file: VirtualService, DestinationRules and Services', async ({ file, hosts, gateways, options, trafficPolicy }) => {
      const canary = example(file);
      await reconcile(canary);
      const vs = await virtualService();
      expect(vs?.metadata.ownerReferences).toEqual([ownerOf(canary)]);
      expect(vs?.spec.hosts).toEqual(hosts);
      expect(vs?.spec.gateways).toEqual(gateways);
      expect(vs?.spec.http).toEqual([{ ...options, route: dests(100, 0) }]);
      for (const name of ['podinfo-primary', 'podinfo-canary']) {
        const rule = await destinationRule(name);
        expect(rule?.spec, name).toEqual({ host: `${name}.${NS}.svc.cluster.local`, ...(trafficPolicy ? { trafficPolicy } : {}) });
        expect(rule?.metadata.ownerReferences, name).toEqual([ownerOf(canary)]);
      }
      const apex = await c.kube.get(ref(SERVICE, 'podinfo'));
      expect((apex?.spec as { selector: unknown }).selector).toEqual({ app: 'podinfo-primary' });
      expect(router.getRoutes(canary)).toEqual(r(100, 0));
    });

    it('istio-progressive-delivery: the weights go to the weighted route, retries stay', async () => {
      const canary = example('docs_gitbook_tutorials_istio-progressive-delivery_1_Canary.yaml');
      await reconcile(canary);
      await setRoutes(canary, r(70, 30));
      expect(await http()).toEqual([{ retries, route: dests(70, 30) }]);
      expect(router.getRoutes(canary)).toEqual(r(70, 30));
    });

    it('istio-ab-testing: the Firefox and insider-cookie requests go to the canary, everyone else to the primary', async () => {
      const canary = example('docs_gitbook_tutorials_istio-ab-testing_1_Canary.yaml');
      await reconcile(canary);
      await setRoutes(canary, ab());
      expect(await http()).toEqual([
        {
          match: [{ headers: { 'user-agent': { regex: '.*Firefox.*' } } }, { headers: { cookie: { regex: '^(.*?;)?(type=insider)(;.*)?$' } } }],
          route: dests(0, 100),
        },
        { route: dests(100, 0) },
      ]);
      expect(router.getRoutes(canary)).toEqual(ab());
    });
  });

  it.each<[Routes, HttpRoute[]]>([
    [r(90, 10), [{ route: dests(90, 10) }]],
    [r(0, 100), [{ route: dests(0, 100) }]],
    [r(100, 0, true), [{ route: dests(100, 0), mirror: { host: 'podinfo-canary' }, mirrorPercentage: { value: 100 } }]],
  ])('setRoutes %o writes the weights (and the mirror)', async (routes, expected) => {
    const canary = canaryWith();
    await reconcile(canary);
    await setRoutes(canary, routes);
    expect(await http()).toEqual(expected);
  });

  it.each<[number | undefined, number]>([[undefined, 100], [25, 25], [0, 100]])('mirrorWeight %s mirrors %s%% of the requests', async (mirrorWeight, value) => {
    const canary = canaryWith({}, { mirror: true, ...(mirrorWeight !== undefined ? { mirrorWeight } : {}) });
    await reconcile(canary);
    await setRoutes(canary, r(100, 0, true));
    expect((await http())?.[0]?.mirrorPercentage).toEqual({ value });
    expect(router.getRoutes(canary)).toEqual(r(100, 0, true));
  });

  it.each<[string, Routes, RegExp]>([
    ['weights that do not add up to 100', r(60, 60), /add up to 100/],
    ['fractional weights', r(97.5, 2.5), /whole numbers/],
    ['A/B routes without analysis.match', ab(), /analysis\.match/],
  ])('refuses %s with a RouterError', async (_, routes, message) => {
    const canary = canaryWith();
    await reconcile(canary);
    await expect(router.setRoutes(canary, routes)).rejects.toThrow(RouterError);
    await expect(router.setRoutes(canary, routes)).rejects.toThrow(message);
  });

  it.each<[string, Partial<CanaryService>, RegExp]>([
    ['delegation with hosts', { delegation: true, hosts: ['app.example.com'] }, /delegate.*cannot have hosts or gateways/],
    ['delegation with gateways', { delegation: true, gateways: ['public'] }, /delegate.*cannot have hosts or gateways/],
    ['a TCP service', { appProtocol: 'tcp' }, /TCP routes/],
  ])('%s is a RouterError, and nothing is routed', async (_, service, message) => {
    await expect(router.reconcile(canaryWith(service))).rejects.toThrow(message);
    expect(await virtualService()).toBeNull();
  });

  it('uses service.name for the VirtualService, its hosts and the destinations', async () => {
    const canary = canaryWith({ name: 'frontend' });
    await reconcile(canary);
    const vs = await virtualService('frontend');
    expect(vs?.spec.hosts).toEqual(['frontend']);
    expect(vs?.spec.http).toEqual([{ route: dests(100, 0, 'frontend') }]);
    expect((await destinationRule('frontend-canary'))?.spec.host).toBe(`frontend-canary.${NS}.svc.cluster.local`);
  });

  it.each<[string, Partial<CanaryService>, string[]]>([
    ['the service host is added once', { hosts: ['podinfo', 'app.example.com'] }, ['podinfo', 'app.example.com']],
    ['"*" covers the service host', { hosts: ['*'] }, ['*']],
  ])('hosts: %s', async (_, service, hosts) => {
    await reconcile(canaryWith(service));
    expect((await virtualService())?.spec.hosts).toEqual(hosts);
  });

  it('apex labels and annotations go to the VirtualService too', async () => {
    await reconcile(canaryWith({ apex: { labels: { team: 'web' }, annotations: { 'a/b': 'c' } } }));
    const vs = await virtualService();
    expect(vs?.metadata.labels).toEqual({ team: 'web' });
    expect(vs?.metadata.annotations).toEqual(expect.objectContaining({ 'a/b': 'c' }));
  });

  describe('route options on every route', () => {
    const options: Partial<CanaryService> = {
      timeout: '30s',
      retries: { attempts: 2, perTryTimeout: '5s' },
      rewrite: { uri: '/', authority: 'backend', type: 'ReplacePrefixMatch' },
      corsPolicy: { allowOrigins: [{ exact: 'https://example.com' }], allowMethods: ['GET'], maxAge: '24h' },
      headers: { request: { set: { 'x-env': 'prod' } }, response: { remove: ['x-debug'] } },
    };
    const expected = {
      timeout: '30s',
      retries: { attempts: 2, perTryTimeout: '5s' },
      rewrite: { uri: '/', authority: 'backend' },
      corsPolicy: { allowOrigins: [{ exact: 'https://example.com' }], allowMethods: ['GET'], maxAge: '24h' },
      headers: { request: { set: { 'x-env': 'prod' } }, response: { remove: ['x-debug'] } },
    };

    it('timeout, retries, rewrite (Istio has no rewrite type), corsPolicy and headers, on the A/B route as on the default', async () => {
      const canary = abTesting([{ headers: { 'x-canary': { exact: 'insider' } } }], options);
      await reconcile(canary);
      expect(await http()).toEqual([{ ...expected, route: dests(100, 0) }]);
      await setRoutes(canary, ab());
      expect(await http()).toEqual([
        { match: [{ headers: { 'x-canary': { exact: 'insider' } } }], ...expected, route: dests(0, 100) },
        { ...expected, route: dests(100, 0) },
      ]);
    });

    it.each<[string, Partial<CanaryService>]>([
      ['a removed timeout', { timeout: '30s' }],
      ['removed retries', { retries: { attempts: 2 } }],
      ['a removed corsPolicy', { corsPolicy: { allowMethods: ['GET'] } }],
    ])('follows a changed Canary: %s is removed', async (_, service) => {
      await reconcile(canaryWith(service));
      await reconcile(canaryWith());
      expect(await http()).toEqual([{ route: dests(100, 0) }]);
    });

    it('a removed trafficPolicy is removed from the DestinationRules', async () => {
      await reconcile(canaryWith({ trafficPolicy: { loadBalancer: { simple: 'LEAST_REQUEST' } } }));
      expect((await destinationRule('podinfo-primary'))?.spec.trafficPolicy).toEqual({ loadBalancer: { simple: 'LEAST_REQUEST' } });
      await reconcile(canaryWith());
      expect((await destinationRule('podinfo-primary'))?.spec.trafficPolicy).toBeUndefined();
    });
  });

  describe('A/B testing (analysis.match and iterations)', () => {
    interface AbRow { rule: string; match: Analysis['match']; service?: Partial<CanaryService>; matches: Match[] }
    it.each<AbRow>([
      { rule: 'header exact', match: [{ headers: { 'x-canary': { exact: 'insider' } } }], matches: [{ headers: { 'x-canary': { exact: 'insider' } } }] },
      { rule: 'header suffix (not in Istio) becomes an anchored regex', match: [{ headers: { host: { suffix: '.example.com' } } }], matches: [{ headers: { host: { regex: '.*\\.example\\.com$' } } }] },
      { rule: 'query parameters', match: [{ queryParams: { beta: { exact: 'on' } } }], matches: [{ queryParams: { beta: { exact: 'on' } } }] },
      { rule: 'source labels', match: [{ sourceLabels: { app: 'frontend' } }], matches: [{ sourceLabels: { app: 'frontend' } }] },
      {
        rule: 'several conditions are several matches (any may hold)',
        match: [{ headers: { 'x-a': { exact: '1' } } }, { queryParams: { q: { regex: 'on|yes' } } }],
        matches: [{ headers: { 'x-a': { exact: '1' } } }, { queryParams: { q: { regex: 'on|yes' } } }],
      },
      {
        rule: 'each condition is combined with each service.match entry',
        match: [{ headers: { 'x-a': { exact: '1' } } }, { queryParams: { q: { exact: 'on' } } }],
        service: { match: [{ uri: { prefix: '/api' } }, { uri: { prefix: '/v2' }, headers: { 'x-b': { exact: '2' } } }] },
        matches: [
          { uri: { prefix: '/api' }, headers: { 'x-a': { exact: '1' } } },
          { uri: { prefix: '/v2' }, headers: { 'x-a': { exact: '1' } } },
          { uri: { prefix: '/api' }, queryParams: { q: { exact: 'on' } } },
          { uri: { prefix: '/v2' }, headers: { 'x-b': { exact: '2' } }, queryParams: { q: { exact: 'on' } } },
        ],
      },
    ])('the matching requests go to the canary, in front of the default route: $rule', async ({ match, service, matches }) => {
      const canary = abTesting(match, service);
      await reconcile(canary);
      await setRoutes(canary, ab());
      const written = await http();
      expect(written).toHaveLength(2);
      expect(written?.[0]?.match).toEqual(matches);
      expect(written?.[0]?.route).toEqual(dests(0, 100));
      expect(written?.[1]?.route).toEqual(dests(100, 0));
      expect(written?.[1]?.match).toEqual(service?.match);
    });

    it.each<[string, Routes, HttpRoute[]]>([
      ['100/0 leaves only the default route', r(100, 0), [{ route: dests(100, 0) }]],
      ['0/100 without matchedOnly sends everyone to the canary (failed promotion, blue/green switch)', r(0, 100), [{ route: dests(0, 100) }]],
    ])('after the A/B route: %s', async (_, routes, expected) => {
      const canary = abTesting([{ headers: { 'x-canary': { exact: 'insider' } } }]);
      await reconcile(canary);
      await setRoutes(canary, ab());
      await setRoutes(canary, routes);
      expect(await http()).toEqual(expected);
      expect(router.getRoutes(canary)).toEqual(routes);
    });

    it('reconcile keeps the A/B route without a write', async () => {
      const canary = abTesting([{ headers: { 'x-canary': { exact: 'insider' } } }]);
      await reconcile(canary);
      await setRoutes(canary, ab());
      c.client.writes.length = 0;
      await reconcile(canary);
      expect(c.client.writes).toEqual([]);
      expect(router.getRoutes(canary)).toEqual(ab());
    });

    it("reads Flagger's own A/B layout (the default route names only the primary) as matchedOnly", async () => {
      const canary = abTesting([{ headers: { 'x-canary': { exact: 'insider' } } }]);
      await reconcile(canary);
      await c.kube.patch(ref(VIRTUAL_SERVICE, 'podinfo'), {
        spec: { http: [{ match: [{ headers: { 'x-canary': { exact: 'insider' } } }], route: dests(0, 100) }, { route: [{ destination: { host: 'podinfo-primary' }, weight: 100 }] }] },
      });
      await settled();
      expect(router.getRoutes(canary)).toEqual(ab());
    });
  });

  it.each<[string, Partial<CanaryService>, boolean]>([
    ['an ingress gateway', { gateways: ['istio-system/public-gateway'] }, true],
    ['a delegate VirtualService', { delegation: true }, true],
    ['the mesh only', {}, false],
    ['the mesh named first', { gateways: ['mesh', 'istio-system/public-gateway'] }, false],
  ])('portDiscovery through %s: destination and mirror ports %s', async (_, service, withPort) => {
    const canary = canaryWith({ portDiscovery: true, ...service });
    await reconcile(canary);
    await setRoutes(canary, r(100, 0, true));
    const route = (await http())?.[0];
    const port = withPort ? { port: { number: 9898 } } : {};
    expect(route?.route.map((d) => d.destination)).toEqual([{ host: 'podinfo-primary', ...port }, { host: 'podinfo-canary', ...port }]);
    expect(route?.mirror).toEqual({ host: 'podinfo-canary', ...port });
  });

  it('service.match on the default route, with Istio string matches', async () => {
    await reconcile(canaryWith({ match: [{ uri: { prefix: '/api' }, method: { exact: 'GET' }, authority: { suffix: '.example.com' }, ignoreUriCase: true }] }));
    expect((await http())?.[0]?.match).toEqual([{ uri: { prefix: '/api' }, method: { exact: 'GET' }, authority: { regex: '.*\\.example\\.com$' }, ignoreUriCase: true }]);
  });

  it('a second reconcile and the same routes again write nothing, with every option set', async () => {
    const canary = abTesting([{ headers: { 'x-canary': { exact: 'insider' } } }], {
      gateways: ['public'], hosts: ['app.example.com'], timeout: '10s', retries: { attempts: 1 }, trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
      match: [{ uri: { prefix: '/' } }], headers: { response: { set: { a: 'b' } } },
    });
    await reconcile(canary);
    for (const routes of [r(100, 0), ab(), r(0, 100), r(100, 0, true)]) {
      await setRoutes(canary, routes);
      c.client.writes.length = 0;
      await setRoutes(canary, routes);
      await reconcile(canary);
      expect(c.client.writes, JSON.stringify(routes)).toEqual([]);
    }
  });

  it('finalize: every request to the apex Service, which selects the target pods; both released', async () => {
    const canary = abTesting([{ headers: { 'x-canary': { exact: 'insider' } } }], { retries: { attempts: 2 }, gateways: ['public'] });
    await reconcile(canary);
    await setRoutes(canary, ab());
    await router.finalize(canary);
    await settled();
    const vs = await virtualService();
    expect(vs?.spec.http).toEqual([{ retries: { attempts: 2 }, route: [{ destination: { host: 'podinfo' }, weight: 100 }] }]);
    expect(vs?.spec.gateways).toEqual(['public']);
    expect(vs?.metadata.ownerReferences ?? []).toEqual([]);
    const apex = await c.kube.get(ref(SERVICE, 'podinfo'));
    expect((apex?.spec as { selector: unknown }).selector).toEqual({ app: 'podinfo' });
    expect((apex?.metadata as { ownerReferences?: unknown[] }).ownerReferences ?? []).toEqual([]);
  });
});
