import { beforeEach, describe, expect, it } from 'vitest';
import type { Canary, CanaryService } from '../../../src/api/index.js';
import type { Routes } from '../../../src/engine/types.js';
import { GatewayApiRouter } from '../../../src/routers/gateway-api.js';
import { RouterError } from '../../../src/routers/types.js';
import {
  cluster, DEPLOYMENT, deploymentObject, HTTPROUTE_V1, HTTPROUTE_V1BETA1, makeCanary, NS, ownerOf, ref, SERVICE, settled,
} from '../workloads/fixtures.js';

type Cluster = Awaited<ReturnType<typeof cluster>>;
type Analysis = Canary['spec']['analysis'];
type Match = Record<string, unknown>;

interface Rule {
  matches?: Match[];
  filters?: Record<string, unknown>[];
  backendRefs: { name: string; port: number; weight: number }[];
  timeouts?: Record<string, string>;
}
interface RouteShape {
  apiVersion: string;
  metadata: { name: string; namespace: string; ownerReferences?: unknown[] };
  spec: { parentRefs: unknown[]; hostnames?: string[]; rules: Rule[] };
}

const gatewayRefs = [{ name: 'public', namespace: 'gateway' }];
const r = (primary: number, canary: number, mirror = false): Routes => ({ primary, canary, mirror });
const ab = (): Routes => ({ primary: 0, canary: 100, mirror: false, matchedOnly: true });
const backends = (primary: number, canary: number, svc = 'podinfo', port = 9898) => [
  { name: `${svc}-primary`, port, weight: primary },
  { name: `${svc}-canary`, port, weight: canary },
];
const canaryWith = (service: Partial<CanaryService> = {}, analysis: Partial<Analysis> = {}): Canary =>
  makeCanary({ spec: { service: { port: 9898, gatewayRefs, ...service } }, analysis });
const abTesting = (match: Analysis['match'], service: Partial<CanaryService> = {}) => canaryWith(service, { iterations: 10, match });

describe('GatewayApiRouter', () => {
  let c: Cluster;
  let router: GatewayApiRouter;

  beforeEach(async () => {
    c = await cluster([DEPLOYMENT, SERVICE, HTTPROUTE_V1, HTTPROUTE_V1BETA1]);
    router = new GatewayApiRouter({ kube: c.client, cache: c.cache }, 'gatewayapi:v1');
    await c.kube.create(deploymentObject());
    await settled();
  });

  const route = async (type = HTTPROUTE_V1, name = 'podinfo') => (await c.kube.get(ref(type, name))) as unknown as RouteShape | null;
  const rules = async () => (await route())?.spec.rules;
  const reconcile = async (canary: Canary) => {
    await router.reconcile(canary);
    await settled();
  };
  const setRoutes = async (canary: Canary, routes: Routes) => {
    await router.setRoutes(canary, routes);
    await settled();
  };

  it('has weights, match and mirror', () => {
    expect(router.capabilities).toEqual({ provider: router.provider, weights: true, match: true, mirror: true, mirrorWeight: false, sessionAffinity: false });
  });

  it.each<[string, Partial<CanaryService>]>([
    ['no gatewayRefs', { gatewayRefs: undefined }],
    ['an empty gatewayRefs', { gatewayRefs: [] }],
  ])('%s is a RouterError that names the field, and nothing is routed', async (_, service) => {
    const canary = canaryWith(service);
    await expect(router.reconcile(canary)).rejects.toThrow(RouterError);
    await expect(router.reconcile(canary)).rejects.toThrow('spec.service.gatewayRefs');
    await expect(router.setRoutes(canary, r(90, 10))).rejects.toThrow(RouterError);
    expect(await route()).toBeNull();
  });

  it.each<['gatewayapi:v1' | 'gatewayapi:v1beta1', typeof HTTPROUTE_V1]>([
    ['gatewayapi:v1', HTTPROUTE_V1],
    ['gatewayapi:v1beta1', HTTPROUTE_V1BETA1],
  ])('%s writes an HTTPRoute of that version named after the service, owned by the Canary', async (provider, type) => {
    const canary = canaryWith({ hosts: ['app.example.com'] });
    await new GatewayApiRouter({ kube: c.client, cache: c.cache }, provider).reconcile(canary);
    const written = await route(type);
    expect(written?.apiVersion).toBe(type.apiVersion);
    expect(written?.metadata.ownerReferences).toEqual([ownerOf(canary)]);
    expect(written?.spec.parentRefs).toEqual(gatewayRefs);
    expect(written?.spec.hostnames).toEqual(['app.example.com']);
    expect(written?.spec.rules).toEqual([{ backendRefs: backends(100, 0) }]);
  });

  it("Linkerd's GAMMA (Flagger's linkerd e2e, gatewayapi:v1beta1): the parent is the Service itself, kept as given", async () => {
    const serviceParent = [{ name: 'podinfo', namespace: NS, group: 'core', kind: 'Service', port: 80 }];
    const canary = canaryWith({ port: 80, targetPort: 'http', portDiscovery: true, gatewayRefs: serviceParent });
    await new GatewayApiRouter({ kube: c.client, cache: c.cache }, 'gatewayapi:v1beta1').reconcile(canary);
    const written = await route(HTTPROUTE_V1BETA1);
    expect(written?.spec.parentRefs).toEqual(serviceParent);
    expect(written?.spec.rules).toEqual([{ backendRefs: backends(100, 0, 'podinfo', 80) }]);
  });

  it('uses service.name and service.port for the backends, and sets no hostnames without hosts', async () => {
    await reconcile(canaryWith({ name: 'frontend', port: 8080 }));
    const written = await route(HTTPROUTE_V1, 'frontend');
    expect(written?.spec.rules).toEqual([{ backendRefs: backends(100, 0, 'frontend', 8080) }]);
    expect(written?.spec.hostnames).toBeUndefined();
  });

  it.each<[Routes, Rule[]]>([
    [r(90, 10), [{ backendRefs: backends(90, 10) }]],
    [r(0, 100), [{ backendRefs: backends(0, 100) }]],
    [r(100, 0, true), [{ filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'podinfo-canary', port: 9898 } } }], backendRefs: backends(100, 0) }]],
  ])('setRoutes %o writes the weights (and the mirror filter)', async (routes, expected) => {
    const canary = canaryWith();
    await reconcile(canary);
    await setRoutes(canary, routes);
    expect(await rules()).toEqual(expected);
  });

  describe('A/B testing (analysis.match and iterations)', () => {
    interface AbRow { rule: string; match: Analysis['match']; matches: Match[]; service?: Partial<CanaryService> }
    const abRows: AbRow[] = [
      { rule: 'header exact', match: [{ headers: { 'x-canary': { exact: 'insider' } } }], matches: [{ headers: [{ name: 'x-canary', type: 'Exact', value: 'insider' }] }] },
      { rule: 'header regex', match: [{ headers: { 'user-agent': { regex: '.*Firefox.*' } } }], matches: [{ headers: [{ name: 'user-agent', type: 'RegularExpression', value: '.*Firefox.*' }] }] },
      { rule: 'header prefix becomes an escaped regex', match: [{ headers: { 'x-version': { prefix: 'v1.2' } } }], matches: [{ headers: [{ name: 'x-version', type: 'RegularExpression', value: '^v1\\.2.*' }] }] },
      { rule: 'header suffix becomes an escaped regex', match: [{ headers: { host: { suffix: '.example.com' } } }], matches: [{ headers: [{ name: 'host', type: 'RegularExpression', value: '.*\\.example\\.com$' }] }] },
      { rule: 'cookie header regex', match: [{ headers: { cookie: { regex: '^(.*?;)?(canary=always)(;.*)?$' } } }], matches: [{ headers: [{ name: 'cookie', type: 'RegularExpression', value: '^(.*?;)?(canary=always)(;.*)?$' }] }] },
      { rule: 'query parameter regex', match: [{ queryParams: { beta: { regex: 'on|yes' } } }], matches: [{ queryParams: [{ name: 'beta', type: 'RegularExpression', value: 'on|yes' }] }] },
      { rule: 'query parameter exact', match: [{ queryParams: { beta: { exact: 'on' } } }], matches: [{ queryParams: [{ name: 'beta', type: 'Exact', value: 'on' }] }] },
      {
        rule: 'headers and query parameters of one entry are one match (all must hold)',
        match: [{ headers: { 'x-a': { exact: '1' }, 'x-b': { exact: '2' } }, queryParams: { q: { exact: '3' } } }],
        matches: [{ headers: [{ name: 'x-a', type: 'Exact', value: '1' }, { name: 'x-b', type: 'Exact', value: '2' }], queryParams: [{ name: 'q', type: 'Exact', value: '3' }] }],
      },
      {
        rule: 'several entries are several matches (any may hold)',
        match: [{ headers: { 'x-a': { exact: '1' } } }, { queryParams: { q: { exact: '3' } } }],
        matches: [{ headers: [{ name: 'x-a', type: 'Exact', value: '1' }] }, { queryParams: [{ name: 'q', type: 'Exact', value: '3' }] }],
      },
      {
        rule: 'service.match uri is part of every A/B match',
        match: [{ headers: { 'x-canary': { exact: 'insider' } } }],
        service: { match: [{ uri: { prefix: '/api' } }] },
        matches: [{ path: { type: 'PathPrefix', value: '/api' }, headers: [{ name: 'x-canary', type: 'Exact', value: 'insider' }] }],
      },
    ];

    it.each(abRows)('at 0/100 the matching requests go to the canary, in front of the default rule: $rule', async ({ match, matches, service }) => {
      const canary = abTesting(match, service);
      await reconcile(canary);
      await setRoutes(canary, ab());
      const written = await rules();
      expect(written).toHaveLength(2);
      expect(written?.[0]).toEqual({ matches, backendRefs: backends(0, 100) });
      expect(written?.[1]?.backendRefs).toEqual(backends(100, 0));
    });

    it('at 100/0 there is only the default rule', async () => {
      const canary = abTesting([{ headers: { 'x-canary': { exact: 'insider' } } }]);
      await reconcile(canary);
      await setRoutes(canary, ab());
      await setRoutes(canary, r(100, 0));
      expect(await rules()).toEqual([{ backendRefs: backends(100, 0) }]);
    });

    it('0/100 without matchedOnly sends everyone to the canary (blue/green switch, failed promotion)', async () => {
      const canary = abTesting([{ headers: { 'x-canary': { exact: 'insider' } } }]);
      await reconcile(canary);
      await setRoutes(canary, ab());
      await setRoutes(canary, r(0, 100));
      expect(await rules()).toEqual([{ backendRefs: backends(0, 100) }]);
    });

    it('A/B routes without analysis.match are a RouterError', async () => {
      const canary = canaryWith();
      await reconcile(canary);
      await expect(router.setRoutes(canary, ab())).rejects.toThrow(/analysis\.match/);
    });

    it('getRoutes reports 0/100 while the A/B rule is in place, and reconcile keeps it without a write', async () => {
      const canary = abTesting([{ headers: { 'x-canary': { exact: 'insider' } } }]);
      await reconcile(canary);
      await setRoutes(canary, ab());
      expect(router.getRoutes(canary)).toEqual(ab());
      c.client.writes.length = 0;
      await reconcile(canary);
      expect(c.client.writes).toEqual([]);
      expect(await rules()).toHaveLength(2);
    });

    it('finalize sends every request, not only the matching ones, to the apex Service, and releases the route', async () => {
      const canary = abTesting([{ headers: { 'x-canary': { exact: 'insider' } } }]);
      await reconcile(canary);
      await setRoutes(canary, ab());
      await router.finalize(canary);
      expect(await rules()).toEqual([{ backendRefs: [{ name: 'podinfo', port: 9898, weight: 100 }] }]);
      const released = await c.kube.get(ref(HTTPROUTE_V1, 'podinfo'));
      expect((released?.metadata as { ownerReferences?: unknown[] }).ownerReferences ?? []).toEqual([]);
    });
  });

  it.each<[string, NonNullable<CanaryService['match']>, Match[] | undefined]>([
    ['uri prefix → PathPrefix', [{ uri: { prefix: '/api' } }], [{ path: { type: 'PathPrefix', value: '/api' } }]],
    ['uri exact → Exact', [{ uri: { exact: '/healthz' } }], [{ path: { type: 'Exact', value: '/healthz' } }]],
    ['uri regex → RegularExpression', [{ uri: { regex: '/v[0-9]+/.*' } }], [{ path: { type: 'RegularExpression', value: '/v[0-9]+/.*' } }]],
    ['several uris → several matches', [{ uri: { prefix: '/a' } }, { uri: { prefix: '/b' } }], [{ path: { type: 'PathPrefix', value: '/a' } }, { path: { type: 'PathPrefix', value: '/b' } }]],
    ['a match without uri adds no path', [{ headers: { x: { exact: 'y' } } }], undefined],
  ])('service.match %s on the default rule', async (_, match, matches) => {
    await reconcile(canaryWith({ match }));
    expect((await rules())?.[0]?.matches).toEqual(matches);
  });

  it('service.headers become request and response header modifier filters', async () => {
    await reconcile(canaryWith({
      headers: {
        request: { add: { 'x-from': 'pennant' }, set: { 'x-env': 'prod' }, remove: ['x-debug'] },
        response: { set: { 'cache-control': 'no-store' } },
      },
    }));
    expect((await rules())?.[0]?.filters).toEqual([
      { type: 'RequestHeaderModifier', requestHeaderModifier: { add: [{ name: 'x-from', value: 'pennant' }], set: [{ name: 'x-env', value: 'prod' }], remove: ['x-debug'] } },
      { type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'cache-control', value: 'no-store' }] } },
    ]);
  });

  it('header filters and the mirror filter go together', async () => {
    const canary = canaryWith({ headers: { request: { set: { 'x-env': 'prod' } } } });
    await reconcile(canary);
    await setRoutes(canary, r(100, 0, true));
    expect((await rules())?.[0]?.filters?.map((f) => f.type)).toEqual(['RequestHeaderModifier', 'RequestMirror']);
    expect(router.getRoutes(canary)).toEqual(r(100, 0, true));
  });

  it.each<[string, Partial<CanaryService>, Record<string, string> | undefined]>([
    ['timeout → request', { timeout: '30s' }, { request: '30s' }],
    ['backendTimeout → backendRequest', { backendTimeout: '10s' }, { backendRequest: '10s' }],
    ['both', { timeout: '30s', backendTimeout: '10s' }, { request: '30s', backendRequest: '10s' }],
    ['neither', {}, undefined],
  ])('timeouts: %s', async (_, service, timeouts) => {
    await reconcile(canaryWith(service));
    expect((await rules())?.[0]?.timeouts).toEqual(timeouts);
  });

  it('the A/B rule gets the timeouts too', async () => {
    const canary = abTesting([{ headers: { 'x-canary': { exact: 'insider' } } }], { timeout: '30s' });
    await reconcile(canary);
    await setRoutes(canary, ab());
    expect((await rules())?.map((rule) => rule.timeouts)).toEqual([{ request: '30s' }, { request: '30s' }]);
  });

  it.each<[string, Partial<CanaryService>, (rule: Rule | undefined) => unknown]>([
    ['a removed timeout', { timeout: '30s' }, (rule) => rule?.timeouts],
    ['removed header filters', { headers: { request: { set: { 'x-env': 'prod' } } } }, (rule) => rule?.filters],
    ['a removed uri match', { match: [{ uri: { prefix: '/api' } }] }, (rule) => rule?.matches],
  ])('follows a changed Canary: %s is removed from the HTTPRoute', async (_, service, read) => {
    await reconcile(canaryWith(service));
    expect(read((await rules())?.[0])).toBeDefined();
    await reconcile(canaryWith());
    expect(read((await rules())?.[0])).toBeUndefined();
  });

  it('reconcile points the apex Service at the primary pods and finalize at the target pods', async () => {
    const canary = canaryWith();
    await reconcile(canary);
    const apexSelector = async () => ((await c.kube.get(ref(SERVICE, 'podinfo')))?.spec as { selector: unknown }).selector;
    expect(await apexSelector()).toEqual({ app: 'podinfo-primary' });
    await router.finalize(canary);
    expect(await apexSelector()).toEqual({ app: 'podinfo' });
    expect((await route())?.metadata.namespace).toBe(NS);
  });
});
