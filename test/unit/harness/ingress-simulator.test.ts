import { afterEach, describe, expect, it } from 'vitest';
import type { CanaryAnalysis } from '../../../src/api/index.js';
import type { Routes } from '../../../src/engine/types.js';
import { buildTemplateVars, renderBuiltinQuery, type BuiltinMetric } from '../../../src/metrics/index.js';
import { startTrafficSimulator, type TrafficSimulator, type TrafficSimulatorOptions } from '../../harness/index.js';
import { NS, type RoutedApp } from './fixtures.js';
import { type IngressProvider, routedIngressApp, USER_INGRESS } from './ingress-fixtures.js';
import { matches, parseExposition, selectorsOf, type Series } from './promql-selectors.js';

// 100 req/s for 10 s = 1000 requests through the ingress, split as Pennant's router wrote it.
const RATE = 100;
const SECONDS = 10;
const r = (primary: number, canary: number, mirror = false): Routes => ({ primary, canary, mirror });
const header = { 'x-canary': { exact: 'insider' } };

describe('traffic simulator playing the ingress: nginx, contour, traefik', () => {
  let app: RoutedApp | undefined;
  let sim: TrafficSimulator | undefined;
  afterEach(async () => {
    await sim?.stop();
    app?.stop();
    sim = undefined;
    app = undefined;
  });

  async function routed(provider: IngressProvider, routes: Routes, analysis: CanaryAnalysis = {}, options: Partial<TrafficSimulatorOptions> = {}) {
    app = await routedIngressApp(provider, analysis);
    await app.router.setRoutes(app.canary, routes);
    await app.settle();
    sim = await startTrafficSimulator({
      kube: app.kube,
      apps: [{ namespace: NS, service: 'podinfo', target: 'podinfo', provider, ...(provider === 'nginx' ? { ingress: USER_INGRESS } : {}) }],
      rate: RATE,
      autoTick: false,
      ...options,
    });
    sim.step(SECONDS);
    const { workloads } = sim.stats();
    const served = { primary: workloads[`${NS}/podinfo-primary`]?.requests ?? 0, canary: workloads[`${NS}/podinfo`]?.requests ?? 0 };
    const series = parseExposition(await (await fetch(`${sim.url}/metrics`)).text());
    return { served, series };
  }

  describe('routing: what the simulator reads from the objects the router wrote', () => {
    it.each<IngressProvider>(['nginx', 'contour', 'traefik'])('%s: 80/20 by weight', async (provider) => {
      const { served } = await routed(provider, r(80, 20));
      expect(served.primary).toBeGreaterThanOrEqual(798);
      expect(served.canary).toBeGreaterThanOrEqual(198);
      expect(served.primary + served.canary).toBeLessThanOrEqual(1000);
    });

    it.each<IngressProvider>(['nginx', 'contour', 'traefik'])('%s: 100/0 right after reconcile, nothing to the canary', async (provider) => {
      const { served } = await routed(provider, r(100, 0));
      expect(served).toEqual({ primary: 999, canary: 0 });
    });

    it.each<IngressProvider>(['nginx', 'contour'])('%s: A/B testing sends the matching fraction to the canary', async (provider) => {
      const { served } = await routed(provider, { ...r(0, 100), matchedOnly: true }, { iterations: 5, match: [{ headers: header }] }, { abMatchFraction: 0.25 });
      expect(served.primary).toBeGreaterThanOrEqual(748);
      expect(served.canary).toBeGreaterThanOrEqual(248);
    });

    it('contour: mirroring copies the route’s requests to the canary', async () => {
      const { served } = await routed('contour', r(100, 0, true));
      expect(served).toEqual({ primary: 999, canary: 999 });
    });

    it('contour: analysis.mirrorWeight mirrors that share', async () => {
      const { served } = await routed('contour', r(100, 0, true), { mirror: true, mirrorWeight: 25 });
      expect(served).toEqual({ primary: 999, canary: 249 });
    });

    it('nginx: a canary Ingress turned off (Flagger at weight 0) takes nothing', async () => {
      app = await routedIngressApp('nginx');
      await app.router.setRoutes(app.canary, r(50, 50));
      await app.kube.patch({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', namespace: NS, name: `${USER_INGRESS}-canary` }, { metadata: { annotations: { 'nginx.ingress.kubernetes.io/canary': 'false' } } });
      await app.settle();
      sim = await startTrafficSimulator({ kube: app.kube, apps: [{ namespace: NS, service: 'podinfo', target: 'podinfo', provider: 'nginx', ingress: USER_INGRESS }], rate: RATE, autoTick: false });
      sim.step(SECONDS);
      expect(sim.stats().workloads[`${NS}/podinfo`]).toBeUndefined();
    });
  });

  describe('metric shapes, checked against the selectors of Pennant’s builtin queries', () => {
    const query = (provider: IngressProvider, metric: BuiltinMetric) => {
      if (!app) throw new Error('no app');
      return renderBuiltinQuery(provider, metric, buildTemplateVars(app.canary, { name: metric, interval: '1m' }));
    };
    const selected = (series: Series[], provider: IngressProvider, metric: BuiltinMetric) => {
      const selectors = selectorsOf(query(provider, metric));
      expect(selectors.length).toBeGreaterThan(0);
      return selectors.map((s) => series.filter((x) => matches(s, x)));
    };
    const total = (found: Series[] | undefined) => (found ?? []).reduce((n, s) => n + s.value, 0);

    it('nginx: the user’s Ingress, canary label set on the canary’s requests only; mean duration from _sum/_count in seconds', async () => {
      const { series } = await routed('nginx', r(50, 50));
      expect(query('nginx', 'request-success-rate')).toContain(`ingress="${USER_INGRESS}"`);
      const [ok, all] = selected(series, 'nginx', 'request-success-rate');
      expect(new Set((all ?? []).map((s) => s.labels.canary))).toEqual(new Set([`${NS}-podinfo-canary-80`]));
      expect(new Set((all ?? []).map((s) => s.labels.status))).toEqual(new Set(['200', '500']));
      expect(new Set((ok ?? []).map((s) => s.labels.status))).toEqual(new Set(['200']));
      expect(total(all)).toBeGreaterThanOrEqual(498);
      expect(total(all)).toBeLessThanOrEqual(500);
      const [sum, count] = selected(series, 'nginx', 'request-duration');
      expect(total(count)).toBe(total(all));
      // The canary answers in 640–800 ms: a mean of about 0.72 s.
      expect(total(sum) / total(count)).toBeGreaterThan(0.64);
      expect(total(sum) / total(count)).toBeLessThan(0.8);
      // The primary's requests are there too, with an empty canary label, just not selected.
      expect(series.some((s) => s.name === 'nginx_ingress_controller_requests' && s.labels.canary === '' && s.labels.ingress === USER_INGRESS)).toBe(true);
    });

    it('contour: the canary’s Envoy cluster <ns>_<svc>-canary_<port>, times in ms', async () => {
      const { series } = await routed('contour', r(50, 50));
      const [ok, all] = selected(series, 'contour', 'request-success-rate');
      expect(new Set((all ?? []).map((s) => s.labels.envoy_cluster_name))).toEqual(new Set([`${NS}_podinfo-canary_80`]));
      expect(new Set((ok ?? []).map((s) => s.labels.envoy_response_code))).toEqual(new Set(['200']));
      expect(total(all)).toBeGreaterThanOrEqual(498);
      const [buckets] = selected(series, 'contour', 'request-duration');
      const le = (bound: string) => buckets?.find((s) => s.labels.le === bound)?.value;
      expect(le('600')).toBe(0);
      expect(le('800')).toBeGreaterThan(0);
      expect(series.some((s) => s.labels.envoy_cluster_name === `${NS}_podinfo-primary_80`)).toBe(true);
    });

    it('traefik: the canary’s <ns>-<svc>-canary-<port>@kubernetescrd, +Inf bucket as the count, seconds', async () => {
      const { series } = await routed('traefik', r(50, 50));
      const [ok, all] = selected(series, 'traefik', 'request-success-rate');
      expect(new Set((all ?? []).map((s) => s.labels.service))).toEqual(new Set([`${NS}-podinfo-canary-80@kubernetescrd`]));
      expect((all ?? []).every((s) => s.labels.le === '+Inf')).toBe(true);
      expect(new Set((ok ?? []).map((s) => s.labels.code))).toEqual(new Set(['200']));
      expect(total(all)).toBeGreaterThanOrEqual(498);
      const [buckets] = selected(series, 'traefik', 'request-duration');
      const le = (bound: string) => total(buckets?.filter((s) => s.labels.le === bound));
      expect(le('0.6')).toBe(0);
      expect(le('0.8')).toBeGreaterThan(0);
      expect(series.some((s) => s.labels.service === `${NS}-podinfo-primary-80@kubernetescrd`)).toBe(true);
    });

    it.each<IngressProvider>(['nginx', 'contour', 'traefik'])(
      '%s: direct calls to <svc>-canary (canary tests) reach the pods but not the proxy’s metrics',
      async (provider) => {
        const { served, series } = await routed(provider, r(100, 0), {}, { canaryTestRate: 5 });
        expect(served.canary).toBe(48); // 5 req/s × 10 s over 3 pods: 3 × floor(16.7)
        for (const metric of ['request-success-rate', 'request-duration'] as const) {
          for (const found of selected(series, provider, metric)) expect(found, metric).toEqual([]);
        }
        // The app's own metrics (kubernetes shape) do count them.
        expect(series.some((s) => s.name === 'http_request_duration_seconds_count' && app?.canaryPods.includes(s.labels.kubernetes_pod_name ?? ''))).toBe(true);
      },
    );

    it('an app routed by another provider leaves no series in the ingress shapes', async () => {
      const { series } = await routed('contour', r(50, 50));
      expect(series.filter((s) => s.name.startsWith('nginx_ingress_controller_') || s.name.startsWith('traefik_service_'))).toEqual([]);
    });
  });
});
