import { afterEach, describe, expect, it } from 'vitest';
import type { Canary } from '../../../src/api/index.js';
import { buildTemplateVars, renderBuiltinQuery, type BuiltinMetric, type BuiltinObserver } from '../../../src/metrics/index.js';
import { startTrafficSimulator, type TrafficSimulator } from '../../harness/index.js';
import { NS, routedApp, type RoutedApp } from './fixtures.js';
import { matches, parseExposition, selectorsOf, type Series } from './promql-selectors.js';

const canary: Canary = {
  apiVersion: 'pennant.dev/v1beta1',
  kind: 'Canary',
  metadata: { name: 'podinfo', namespace: NS },
  spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' }, analysis: {} },
};
const query = (observer: BuiltinObserver, metric: BuiltinMetric) =>
  renderBuiltinQuery(observer, metric, buildTemplateVars(canary, { name: metric, interval: '1m' }));

describe('the kubernetes canary pod regex of the builtin queries', () => {
  const regex = /kubernetes_pod_name=~"([^"]+)"/.exec(query('kubernetes', 'request-success-rate'))?.[1] ?? '';
  const anchored = new RegExp(`^(?:${regex})$`);

  it('matches canary pod names', () => {
    for (const pod of ['podinfo-7d9f8b6c5-x2x4z', 'podinfo-bx8rrvd2q-g4vpj', 'podinfo-5d8f7c9b4-abcde']) expect(anchored.test(pod)).toBe(true);
  });

  it('does not match primary pod names', () => {
    for (const pod of ['podinfo-primary-7d9f8b6c5-x2x4z', 'podinfo-primary-c26z8c624-nsg8h']) expect(anchored.test(pod)).toBe(false);
  });
});

describe('metric shapes, checked against the selectors of Pennant’s builtin queries', () => {
  let app: RoutedApp;
  let sim: TrafficSimulator;
  afterEach(async () => {
    await sim.stop();
    app.stop();
  });

  /** Half the traffic to each side, so both the canary's and the primary's series exist. */
  async function scrape(): Promise<Series[]> {
    app = await routedApp('gatewayapi:v1');
    await app.router.setRoutes(app.canary, { primary: 50, canary: 50, mirror: false });
    await app.settle();
    sim = await startTrafficSimulator({
      kube: app.kube,
      apps: [{ namespace: NS, service: 'podinfo', target: 'podinfo', provider: 'gatewayapi:v1' }],
      rate: 100,
      autoTick: false,
    });
    sim.step(10);
    return parseExposition(await (await fetch(`${sim.url}/metrics`)).text());
  }

  const selected = (series: Series[], observer: BuiltinObserver, metric: BuiltinMetric) => {
    const selectors = selectorsOf(query(observer, metric));
    expect(selectors.length).toBeGreaterThan(0);
    return selectors.map((s) => series.filter((x) => matches(s, x)));
  };

  it('kubernetes: the success-rate and duration selectors pick exactly the canary pods’ series', async () => {
    const series = await scrape();
    const pods = (found: Series[]) => new Set(found.map((s) => s.labels.kubernetes_pod_name));
    const [ok, all] = selected(series, 'kubernetes', 'request-success-rate');
    expect(pods(all ?? [])).toEqual(new Set(app.canaryPods));
    expect(new Set((all ?? []).map((s) => s.labels.status))).toEqual(new Set(['200', '500']));
    expect(new Set((ok ?? []).map((s) => s.labels.status))).toEqual(new Set(['200']));
    const [buckets] = selected(series, 'kubernetes', 'request-duration');
    expect(pods(buckets ?? [])).toEqual(new Set(app.canaryPods));
    // The primary's series are there too, just not selected.
    expect(series.some((s) => s.labels.kubernetes_pod_name?.startsWith('podinfo-primary-'))).toBe(true);
  });

  it('kubernetes: counts are per pod and status, durations in seconds', async () => {
    const series = await scrape();
    const count = (pod: string) =>
      series.filter((s) => s.name === 'http_request_duration_seconds_count' && s.labels.kubernetes_pod_name === pod).reduce((n, s) => n + s.value, 0);
    // 100 req/s × 10 s, half to each side, over 3 pods each.
    for (const pod of [...app.canaryPods, ...app.primaryPods]) expect(count(pod)).toBeGreaterThanOrEqual(166);
    const le = (bound: string) =>
      series.find((s) => s.name === 'http_request_duration_seconds_bucket' && s.labels.kubernetes_pod_name === app.canaryPods[0] && s.labels.status === '200' && s.labels.le === bound)?.value;
    expect(le('0.6')).toBe(0); // the canary answers in 640–800 ms
    expect(le('0.8')).toBeGreaterThan(0);
  });

  it('istio: destination_workload is the Deployment; the selectors pick the canary’s series only', async () => {
    const series = await scrape();
    const [ok, all] = selected(series, 'istio', 'request-success-rate');
    expect(new Set((all ?? []).map((s) => s.labels.destination_workload))).toEqual(new Set(['podinfo']));
    expect(new Set((ok ?? []).map((s) => s.labels.response_code))).toEqual(new Set(['200']));
    expect((all ?? []).every((s) => s.labels.reporter === 'destination' && s.labels.destination_workload_namespace === NS)).toBe(true);
    const total = (all ?? []).reduce((n, s) => n + s.value, 0);
    expect(total).toBeGreaterThanOrEqual(498);
    expect(total).toBeLessThanOrEqual(500);
    const [buckets] = selected(series, 'istio', 'request-duration');
    expect((buckets ?? []).length).toBeGreaterThan(0);
    expect(series.some((s) => s.name === 'istio_requests_total' && s.labels.destination_workload === 'podinfo-primary')).toBe(true);
    const le = (bound: string) =>
      series.find((s) => s.name === 'istio_request_duration_milliseconds_bucket' && s.labels.destination_workload === 'podinfo' && s.labels.response_code === '200' && s.labels.le === bound)?.value;
    expect(le('600')).toBe(0);
    expect(le('800')).toBeGreaterThan(0);
  });

  it('linkerd: inbound responses per Deployment and pod, 5xx classified failure; the selectors pick the canary’s series only', async () => {
    const series = await scrape();
    const [ok, all] = selected(series, 'linkerd', 'request-success-rate');
    expect(new Set((all ?? []).map((s) => s.labels.deployment))).toEqual(new Set(['podinfo']));
    expect(new Set((all ?? []).map((s) => s.labels.pod))).toEqual(new Set(app.canaryPods));
    expect(new Set((all ?? []).map((s) => s.labels.classification))).toEqual(new Set(['success', 'failure']));
    expect(new Set((ok ?? []).map((s) => s.labels.status_code))).toEqual(new Set(['200']));
    const total = (all ?? []).reduce((n, s) => n + s.value, 0);
    expect(total).toBeGreaterThanOrEqual(498);
    expect(total).toBeLessThanOrEqual(500);
    const [buckets] = selected(series, 'linkerd', 'request-duration');
    expect((buckets ?? []).length).toBeGreaterThan(0);
    expect(series.some((s) => s.name === 'response_total' && s.labels.deployment === 'podinfo-primary')).toBe(true);
    const le = (bound: string) =>
      series.filter((s) => s.name === 'response_latency_ms_bucket' && s.labels.deployment === 'podinfo' && s.labels.status_code === '200' && s.labels.le === bound)
        .reduce((n, s) => n + s.value, 0);
    expect(le('600')).toBe(0);
    expect(le('800')).toBeGreaterThan(0);
  });
});
