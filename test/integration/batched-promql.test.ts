import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryKube } from '../../src/kube/index.js';
import { BATCHED_QUERIES, type BatchItem, type BuiltinMetric, MetricBatcher, PrometheusProvider, renderBuiltinQuery } from '../../src/metrics/index.js';
import type { TemplateVars } from '../../src/metrics/index.js';
import { startPrometheus, startTrafficSimulator, waitUntil, type PrometheusServer, type TrafficSimulator } from '../harness/index.js';
import { createSimPods, simDeployment, simService } from '../harness/sim-fixtures.js';

/** Three canaries in two namespaces with different health, and a primary that must never be counted. */
const APPS = [
  { namespace: 'batch-a', name: 'podinfo', errorRate: 0.1, latencyMs: 50 },
  { namespace: 'batch-a', name: 'web-front', errorRate: 0, latencyMs: 120 },
  { namespace: 'batch-b', name: 'podinfo', errorRate: 0.3, latencyMs: 250 },
];
const METRICS: BuiltinMetric[] = ['request-success-rate', 'request-duration'];
const INTERVAL = '1m';

const vars = (item: BatchItem): TemplateVars => ({ name: item.target, namespace: item.namespace, target: item.target, service: item.target, ingress: item.target, route: item.target, interval: INTERVAL, variables: {} });

/**
 * The grouped queries of src/metrics/batch-queries.ts against real Prometheus: for the same
 * evaluation time, each canary's value is the one its own builtin query gives.
 */
describe('batched builtin PromQL on real Prometheus', () => {
  let prometheus: PrometheusServer | undefined;
  let simulator: TrafficSimulator | undefined;
  let provider: PrometheusProvider;

  beforeAll(async () => {
    const kube = new MemoryKube();
    for (const app of APPS) {
      await kube.create(simDeployment({ namespace: app.namespace, name: app.name, errorRate: app.errorRate, latencyMs: app.latencyMs }));
      await createSimPods(kube, { namespace: app.namespace, app: app.name, count: 2 });
      await kube.create(simService(app.namespace, app.name, { app: app.name }));
    }
    // A primary next to the first canary: its pods (podinfo-primary-…) match neither query.
    await kube.create(simDeployment({ namespace: 'batch-a', name: 'podinfo-primary', errorRate: 0.9, latencyMs: 900 }));
    await createSimPods(kube, { namespace: 'batch-a', app: 'podinfo-primary', count: 2 });
    await kube.create(simService('batch-a', 'podinfo-primary', { app: 'podinfo-primary' }));
    prometheus = await startPrometheus();
    const apps = [...APPS, { namespace: 'batch-a', name: 'podinfo-primary' }].map((a) => ({ namespace: a.namespace, service: a.name, target: a.name, provider: 'kubernetes' }));
    simulator = await startTrafficSimulator({ kube, apps, rate: 100 });
    await prometheus.addTargets([simulator.target]);
    provider = new PrometheusProvider({ address: prometheus.url, auth: { kind: 'none' } });
    const prom = prometheus;
    await waitUntil(async () => ((await prom.queryValue('sum(increase(http_request_duration_seconds_count{kubernetes_namespace="batch-b"}[1m]))')) ?? 0) >= 500, {
      timeoutMs: 90_000, intervalMs: 250, what: '500 requests of batch-b in Prometheus',
    });
  }, 120_000);

  afterAll(async () => {
    await simulator?.stop();
    await prometheus?.stop();
  });

  const items: BatchItem[] = APPS.map((a) => ({ namespace: a.namespace, target: a.name }));

  it.each(['kubernetes', 'istio'] as const)('%s: every canary\'s value from the grouped query equals its own query\'s, at the same time', async (observer) => {
    const at = new Date(Math.floor(Date.now() / 1000) * 1000 - 2000);
    for (const metric of METRICS) {
      const grouped = BATCHED_QUERIES[observer]?.[metric];
      if (!grouped) throw new Error(`no grouped ${observer} ${metric}`);
      const series = await provider.queryVector(grouped.render(items, INTERVAL), new AbortController().signal, at);
      const byItem = new Map(series.map((s) => [grouped.itemOf(s.labels), s.value]));
      for (const item of items) {
        const alone = await provider.query(renderBuiltinQuery(observer, metric, vars(item)), new AbortController().signal, at);
        expect(alone, `${observer} ${metric} ${item.namespace}/${item.target} alone`).not.toBeNull();
        const batched = byItem.get(`${item.namespace}/${item.target}`);
        expect(batched, `${observer} ${metric} ${item.namespace}/${item.target} batched`).toBeCloseTo(alone ?? Number.NaN, 9);
      }
    }
  });

  it('the values tell the canaries apart (so equality above means something) and never count the primary', async () => {
    const at = new Date(Math.floor(Date.now() / 1000) * 1000 - 2000);
    const grouped = BATCHED_QUERIES.kubernetes?.['request-success-rate'];
    if (!grouped) throw new Error('no grouped query');
    const series = await provider.queryVector(grouped.render(items, INTERVAL), new AbortController().signal, at);
    const value = (ns: string, target: string) => series.find((s) => grouped.itemOf(s.labels) === `${ns}/${target}`)?.value ?? Number.NaN;
    expect(value('batch-a', 'web-front')).toBe(100);
    expect(value('batch-a', 'podinfo')).toBeGreaterThan(80);
    expect(value('batch-a', 'podinfo')).toBeLessThan(98);
    expect(value('batch-b', 'podinfo')).toBeLessThan(80);
    expect(series.some((s) => grouped.itemOf(s.labels)?.endsWith('-primary'))).toBe(false);
  });

  it('through the batcher: three canaries, two metrics, one step → two queries', async () => {
    const batcher = new MetricBatcher();
    const at = new Date(Math.floor(Date.now() / 1000) * 1000 - 2000);
    const values = await Promise.all(items.flatMap((item) => METRICS.map((metric) => batcher.value({
      key: `kubernetes|${metric}|${INTERVAL}`,
      query: BATCHED_QUERIES.kubernetes?.[metric] ?? (() => { throw new Error('no query'); })(),
      interval: INTERVAL,
      intervalMs: 60_000,
      at,
      item,
      run: (query, signal, when) => provider.queryVector(query, signal, when),
    }, new AbortController().signal))));
    expect(values.every((v) => typeof v === 'number')).toBe(true);
    expect(batcher.queries).toBe(2);
  });
});
