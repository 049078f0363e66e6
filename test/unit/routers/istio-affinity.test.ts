import { beforeEach, describe, expect, it } from 'vitest';
import type { Canary } from '../../../src/api/index.js';
import type { Routes } from '../../../src/engine/types.js';
import { DESTINATION_RULE, IstioRouter, VIRTUAL_SERVICE } from '../../../src/routers/istio.js';
import { cluster, DEPLOYMENT, deploymentObject, makeCanary, ref, SERVICE, settled } from '../workloads/fixtures.js';

type Cluster = Awaited<ReturnType<typeof cluster>>;
type Affinity = NonNullable<Canary['spec']['analysis']['sessionAffinity']>;

interface Dest { destination: { host: string }; weight: number; headers?: { response?: { add?: Record<string, string> } } }
interface HttpRoute { name?: string; match?: { headers?: Record<string, { regex?: string }>; uri?: unknown }[]; route: Dest[]; headers?: { response?: { add?: Record<string, string>; set?: Record<string, string> } } }

const r = (primary: number, canary: number, mirror = false): Routes => ({ primary, canary, mirror });
const COOKIE = /^flagger-cookie=([a-zA-Z]{10})$/;

function stickyCanary(affinity: Partial<Affinity> = {}, revision = 'rev-1', extra: Partial<Canary['spec']> = {}): Canary {
  const canary = makeCanary({ spec: { provider: 'istio', service: { port: 9898 }, ...extra }, analysis: { interval: '30s', sessionAffinity: { cookieName: 'flagger-cookie', ...affinity } } });
  return { ...canary, status: { phase: 'Progressing', lastAppliedSpec: revision } };
}

describe('IstioRouter session affinity (analysis.sessionAffinity)', () => {
  let c: Cluster;
  let router: IstioRouter;

  beforeEach(async () => {
    c = await cluster([DEPLOYMENT, SERVICE, VIRTUAL_SERVICE, DESTINATION_RULE]);
    router = new IstioRouter({ kube: c.client, cache: c.cache });
    await c.kube.create(deploymentObject());
    await settled();
  });

  const http = async () => ((await c.kube.get(ref(VIRTUAL_SERVICE, 'podinfo')))?.spec as { http: HttpRoute[] }).http;
  const step = async (canary: Canary, routes: Routes) => {
    await router.setRoutes(canary, routes);
    await settled();
    return http();
  };
  const setCookieOf = (dest: Dest | undefined) => dest?.headers?.response?.add?.['Set-Cookie'];
  /** The canary cookie handed out by the weighted route, `name=value`. */
  const canaryCookie = (routes: HttpRoute[]) => setCookieOf(routes.at(-1)?.route.find((d) => d.destination.host === 'podinfo-canary'))?.split(';')[0] ?? '';

  it('at weight 0 there is nothing sticky', async () => {
    const canary = stickyCanary();
    await router.reconcile(canary);
    await settled();
    expect((await http()).map((route) => route.name)).toEqual([undefined]);
  });

  it('while the canary has weight, its responses set the cookie and a route in front sends the cookie to the canary', async () => {
    const canary = stickyCanary({ maxAge: 21600 });
    await router.reconcile(canary);
    const routes = await step(canary, r(90, 10));
    const cookie = canaryCookie(routes);
    expect(cookie).toMatch(COOKIE);
    const value = COOKIE.exec(cookie)?.[1] ?? '';
    expect(routes).toHaveLength(2);
    expect(routes[0]).toEqual({
      name: 'sticky-canary',
      match: [{ headers: { cookie: { regex: `.*flagger-cookie.*${value}.*` } } }],
      route: [{ destination: { host: 'podinfo-primary' }, weight: 0 }, { destination: { host: 'podinfo-canary' }, weight: 100 }],
    });
    expect(routes[1]?.route).toEqual([
      { destination: { host: 'podinfo-primary' }, weight: 90 },
      { destination: { host: 'podinfo-canary' }, weight: 10, headers: { response: { add: { 'Set-Cookie': `${cookie}; Max-Age=21600` } } } },
    ]);
    // The cookie in use is reported with the routes: the engine mirrors it into status.sessionAffinityCookie.
    expect(router.getRoutes(canary)).toEqual({ ...r(90, 10), cookies: { canary: cookie } });
  });

  it('the cookie stays the same through the run, and reconcile writes nothing', async () => {
    const canary = stickyCanary();
    await router.reconcile(canary);
    const first = canaryCookie(await step(canary, r(90, 10)));
    const second = canaryCookie(await step(canary, r(80, 20)));
    expect(second).toBe(first);
    c.client.writes.length = 0;
    await router.reconcile(canary);
    await router.setRoutes(canary, r(80, 20));
    expect(c.client.writes).toEqual([]);
  });

  it('a new run (another revision) hands out another cookie, and a restarted controller the same one', async () => {
    await router.reconcile(stickyCanary());
    const first = canaryCookie(await step(stickyCanary(), r(90, 10)));
    const again = new IstioRouter({ kube: c.client, cache: c.cache });
    await again.setRoutes(stickyCanary(), r(90, 10));
    await settled();
    expect(canaryCookie(await http())).toBe(first);
    await step(stickyCanary(), r(100, 0));
    const next = canaryCookie(await step(stickyCanary({}, 'rev-2'), r(90, 10)));
    expect(next).toMatch(COOKIE);
    expect(next).not.toBe(first);
  });

  it('back at weight 0 the cookie is expired (Max-Age=-1) for those who carry it, and they go to the primary', async () => {
    const canary = stickyCanary({ path: '/app', secure: true });
    await router.reconcile(canary);
    const cookie = canaryCookie(await step(canary, r(50, 50)));
    const routes = await step(canary, r(100, 0));
    expect(routes[0]?.name).toBe('expire-canary-cookie');
    expect(routes[0]?.match?.[0]?.headers?.cookie?.regex).toBe(`.*flagger-cookie.*${cookie.split('=')[1]}.*`);
    expect(routes[0]?.headers?.response?.add).toEqual({ 'Set-Cookie': `${cookie}; Max-Age=-1; Path=/app; Secure` });
    expect(routes[0]?.route).toEqual([{ destination: { host: 'podinfo-primary' }, weight: 100 }, { destination: { host: 'podinfo-canary' }, weight: 0 }]);
    expect(routes[1]?.route.every((d) => d.headers === undefined)).toBe(true);
    expect(router.getRoutes(canary)).toEqual({ ...r(100, 0), cookies: { expired: cookie } });
    // The expiry stays while the weight is 0 (a reconcile, a new run's first interval), without a write.
    c.client.writes.length = 0;
    await router.reconcile(stickyCanary({ path: '/app', secure: true }, 'rev-2'));
    expect(c.client.writes).toEqual([]);
    const nextRun = await step(stickyCanary({ path: '/app', secure: true }, 'rev-2'), r(90, 10));
    expect(nextRun.map((route) => route.name)).toEqual(['sticky-canary', undefined]);
  });

  it('the expiry keeps the service headers and the service match', async () => {
    const extra = { service: { port: 9898, match: [{ uri: { prefix: '/app' } }], headers: { response: { set: { 'x-env': 'prod' }, add: { 'x-a': 'b' } } } } };
    const canary = stickyCanary({}, 'rev-1', extra);
    await router.reconcile(canary);
    const cookie = canaryCookie(await step(canary, r(50, 50)));
    const [expire] = await step(canary, r(100, 0));
    expect(expire?.match).toEqual([{ uri: { prefix: '/app' }, headers: { cookie: { regex: expect.stringContaining('flagger-cookie') } } }]);
    expect(expire?.headers?.response).toEqual({ set: { 'x-env': 'prod' }, add: { 'x-a': 'b', 'Set-Cookie': `${cookie}; Max-Age=-1` } });
  });

  it('every cookie attribute the spec asks for, in the Set-Cookie header', async () => {
    const canary = stickyCanary({ maxAge: 600, domain: 'example.com', httpOnly: true, partitioned: true, path: '/', sameSite: 'Strict', secure: true });
    await router.reconcile(canary);
    const routes = await step(canary, r(90, 10));
    const header = setCookieOf(routes.at(-1)?.route[1]);
    expect(header).toBe(`${canaryCookie(routes)}; Max-Age=600; Domain=example.com; HttpOnly; Partitioned; Path=/; SameSite=Strict; Secure`);
  });

  it('primaryCookieName: primary responses set a cookie for one interval, and a route keeps its holders on the primary', async () => {
    const canary = stickyCanary({ primaryCookieName: 'primary-cookie' });
    await router.reconcile(canary);
    const routes = await step(canary, r(90, 10));
    expect(routes.map((route) => route.name)).toEqual(['sticky-canary', 'sticky-primary', undefined]);
    const primaryHeader = setCookieOf(routes[2]?.route[0]);
    expect(primaryHeader).toMatch(/^primary-cookie=[a-zA-Z]{10}; Max-Age=30$/);
    const value = primaryHeader?.split(';')[0]?.split('=')[1];
    expect(routes[1]?.match).toEqual([{ headers: { cookie: { regex: `.*primary-cookie.*${value}.*` } } }]);
    expect(routes[1]?.route).toEqual([{ destination: { host: 'podinfo-primary' }, weight: 100 }, { destination: { host: 'podinfo-canary' }, weight: 0 }]);
    expect(router.getRoutes(canary)).toEqual({ ...r(90, 10), cookies: { canary: canaryCookie(routes), primary: primaryHeader?.split(';')[0] } });
    // Back at 0 only the canary cookie is expired; the primary cookie runs out by itself.
    expect((await step(canary, r(100, 0))).map((route) => route.name)).toEqual(['expire-canary-cookie', undefined]);
  });

  it('A/B routes hand out no cookie', async () => {
    const canary = { ...stickyCanary(), spec: { ...stickyCanary().spec, analysis: { ...stickyCanary().spec.analysis, iterations: 2, match: [{ headers: { x: { exact: 'y' } } }] } } };
    await router.reconcile(canary);
    const routes = await step(canary, { primary: 0, canary: 100, mirror: false, matchedOnly: true });
    expect(routes.map((route) => route.name)).toEqual([undefined, undefined]);
    expect(router.getRoutes(canary)).toEqual({ primary: 0, canary: 100, mirror: false, matchedOnly: true });
  });
});
