import type http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Canary, CanaryMetric, MetricTemplate } from '../../../src/api/index.js';
import { evaluateMetrics, type EvaluateMetricsInput } from '../../../src/metrics/index.js';
import { closedPortUrl, json, startServer, type LocalServer, type SeenRequest } from './local-server.js';

const vector = (value: string | undefined) => ({
  status: 'success',
  data: { resultType: 'vector', result: value === undefined ? [] : [{ metric: {}, value: [1, value] }] },
});

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A Prometheus answering by the first matching substring of the query. */
async function fakePrometheus(answers: Record<string, string | undefined>, hold?: (req: SeenRequest, res: http.ServerResponse) => boolean) {
  server = await startServer((req, res) => {
    if (hold?.(req, res)) return;
    const query = req.search.get('query') ?? '';
    const key = Object.keys(answers).find((k) => query.includes(k));
    json(res, 200, vector(key === undefined ? undefined : answers[key]));
  });
  return server;
}

const canary = (metrics: CanaryMetric[], spec: Partial<Canary['spec']> = {}): Canary => ({
  apiVersion: 'pennant.dev/v1beta1',
  kind: 'Canary',
  metadata: { name: 'podinfo', namespace: 'test' },
  spec: { provider: 'istio', targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' }, analysis: { metrics }, ...spec },
});

const template = (namespace: string, name: string, spec: Partial<MetricTemplate['spec']> = {}): MetricTemplate => ({
  apiVersion: 'pennant.dev/v1beta1',
  kind: 'MetricTemplate',
  metadata: { name, namespace },
  spec: { provider: { type: 'prometheus' }, query: 'sum(rate(errors{ns="{{ namespace }}", app="{{ target }}"}[{{ interval }}]))', ...spec },
});

function input(c: Canary, metricsServer: string, extra: Partial<EvaluateMetricsInput> = {}): EvaluateMetricsInput {
  const templates = [template('test', 'error-rate'), template('shared', 'latency')];
  return {
    canary: c,
    signal: new AbortController().signal,
    metricsServer,
    meshProvider: 'kubernetes',
    getTemplate: (ns, name) => templates.find((t) => t.metadata.namespace === ns && t.metadata.name === name),
    getSecret: () => undefined,
    ...extra,
  };
}

const builtins: CanaryMetric[] = [
  { name: 'request-success-rate', thresholdRange: { min: 99 }, interval: '1m' },
  { name: 'request-duration', thresholdRange: { max: 500 }, interval: '30s' },
];

describe('evaluateMetrics', () => {
  it('runs the builtin queries of the provider and judges them (duration truncated to whole ms)', async () => {
    const prom = await fakePrometheus({ istio_requests_total: '99.5', istio_request_duration: '612.7' });
    const results = await evaluateMetrics(input(canary(builtins), prom.url));
    expect(results).toMatchObject([
      { name: 'request-success-rate', verdict: 'pass', value: 99.5, min: 99 },
      { name: 'request-duration', verdict: 'fail', value: 612, max: 500, message: 'request-duration 612 > 500' },
    ]);
    expect(results[1]?.query).toMatch(/^histogram_quantile\(0\.99, .*destination_workload=~"podinfo".*\[30s\]/);
    expect(prom.requests.map((r) => r.search.get('query'))).toEqual(results.map((r) => r.query));
  });

  it('runs all queries concurrently', async () => {
    const waiting: http.ServerResponse[] = [];
    const prom = await fakePrometheus({}, (_req, res) => {
      waiting.push(res);
      // Answer only once all three queries are in flight.
      if (waiting.length === 3) for (const r of waiting) json(r, 200, vector('1'));
      return true;
    });
    const metrics = [...builtins, { name: 'custom', query: 'sum(up)', threshold: 5 }];
    const results = await evaluateMetrics(input(canary(metrics), prom.url, { queryTimeoutMs: 2_000 }));
    expect(results.map((r) => r.value)).toEqual([1, 1, 1]);
  });

  it('prefers spec.metricsServer over the --metrics-server flag', async () => {
    const prom = await fakePrometheus({ istio: '100' });
    const results = await evaluateMetrics(input(canary(builtins.slice(0, 1), { metricsServer: prom.url }), await closedPortUrl()));
    expect(results[0]?.verdict).toBe('pass');
  });

  it('renders templates in their namespace, with the secret of that namespace as credentials', async () => {
    const prom = await fakePrometheus({ errors: '0.5' });
    const secrets: string[] = [];
    const metric: CanaryMetric = { name: 'latency', templateRef: { name: 'latency', namespace: 'shared' }, thresholdRange: { max: 1 } };
    const latency = template('shared', 'latency', { provider: { type: 'prometheus', address: prom.url, secretRef: { name: 'prom-auth' } } });
    const results = await evaluateMetrics(
      input(canary([metric]), 'http://unused:9090', {
        getTemplate: () => latency,
        getSecret: (ns, name) => {
          secrets.push(`${ns}/${name}`);
          return { token: 'abc' };
        },
      }),
    );
    expect(results[0]).toMatchObject({ verdict: 'pass', value: 0.5, query: 'sum(rate(errors{ns="test", app="podinfo"}[1m]))' });
    expect(secrets).toEqual(['shared/prom-auth']);
    expect(prom.requests[0]?.headers.authorization).toBe('Bearer abc');
  });

  it('uses the default address for a template without one, and reports no data', async () => {
    const prom = await fakePrometheus({});
    const results = await evaluateMetrics(input(canary([{ name: 'error-rate', templateRef: { name: 'error-rate' }, thresholdRange: { max: 1 } }]), prom.url));
    expect(results[0]).toMatchObject({ verdict: 'noData', value: null });
    expect(results[0]?.message).toMatch(/^no data/);
  });

  it.each<[string, CanaryMetric, Partial<EvaluateMetricsInput>, Partial<Canary['spec']>, RegExp]>([
    ['a missing template', { name: 'x', templateRef: { name: 'nope' }, threshold: 1 }, {}, {},
      /^MetricTemplate test\/nope: not found$/],
    ['a missing secret', { name: 'x', templateRef: { name: 'error-rate' }, threshold: 1 },
      { getTemplate: () => template('test', 'error-rate', { provider: { type: 'prometheus', secretRef: { name: 's' } } }) }, {},
      /^MetricTemplate test\/error-rate: Secret test\/s \(provider.secretRef\) not found$/],
    ['a secret with a username only', { name: 'x', templateRef: { name: 'error-rate' }, threshold: 1 },
      { getTemplate: () => template('test', 'error-rate', { provider: { type: 'prometheus', secretRef: { name: 's' } } }),
        getSecret: () => ({ username: 'u' }) }, {},
      /^MetricTemplate test\/error-rate: prometheus credentials have a username but no password$/],
    ['an unsupported provider', { name: 'x', templateRef: { name: 'error-rate' }, threshold: 1 },
      { getTemplate: () => template('test', 'error-rate', { provider: { type: 'keptn' } }) }, {},
      /MetricTemplate test\/error-rate: metric provider keptn is not supported yet/],
    ['a datadog template without its Secret', { name: 'x', templateRef: { name: 'error-rate' }, threshold: 1 },
      { getTemplate: () => template('test', 'error-rate', { provider: { type: 'datadog' } }) }, {},
      /^MetricTemplate test\/error-rate: datadog needs provider.secretRef: a Secret with datadog_api_key$/],
    ['a missing template variable', { name: 'x', templateRef: { name: 'error-rate' }, threshold: 1 },
      { getTemplate: () => template('test', 'error-rate', { query: 'sum({{ variables.app }})' }) }, {},
      /MetricTemplate test\/error-rate: query template uses \{\{ variables.app \}\}/],
    ['a cross-namespace ref when disabled', { name: 'x', templateRef: { name: 'latency', namespace: 'shared' }, threshold: 1 },
      { allowCrossNamespaceRefs: false }, {}, /MetricTemplate shared\/latency: cross-namespace references are disabled/],
    ['a failing template lookup', { name: 'x', templateRef: { name: 'error-rate' }, threshold: 1 },
      { getTemplate: () => Promise.reject(new Error('informer not synced')) }, {}, /MetricTemplate test\/error-rate: informer not synced/],
    ['an unknown metric name', { name: 'error-rate', threshold: 1 }, {}, {}, /"error-rate" is not a builtin metric/],
    ['builtins on smi', builtins[0] as CanaryMetric, {}, { provider: 'smi:v1alpha3' }, /no builtin metrics for provider "smi:v1alpha3"/],
    ['knative without a known revision', builtins[0] as CanaryMetric, {},
      { provider: 'knative', targetRef: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'podinfo' } },
      /latest created revision/],
    ['an invalid metrics server', builtins[0] as CanaryMetric, {}, { metricsServer: 'not a url' }, /not a valid URL/],
    ['a provider factory that throws', builtins[0] as CanaryMetric,
      { createProvider: () => { throw new Error('boom'); } }, {}, /^boom$/],
  ])('turns %s into an error check', async (_case, metric, extra, spec, message) => {
    const results = await evaluateMetrics(input(canary([metric], spec), 'http://127.0.0.1:1', extra));
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ name: metric.name, verdict: 'error', value: null });
    expect(results[0]?.message).toMatch(message);
  });

  it('reports an unreachable Prometheus as an error for every metric, with the query', async () => {
    const results = await evaluateMetrics(input(canary(builtins), await closedPortUrl()));
    expect(results.map((r) => r.verdict)).toEqual(['error', 'error']);
    expect(results[0]?.message).toMatch(/cannot reach prometheus at http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    expect(results[0]?.query).toContain('istio_requests_total');
  });

  it('applies the per-query timeout', async () => {
    server = await startServer(() => undefined);
    const results = await evaluateMetrics(input(canary(builtins.slice(0, 1)), server.url, { queryTimeoutMs: 100 }));
    expect(results[0]).toMatchObject({ verdict: 'error' });
    expect(results[0]?.message).toMatch(/timed out after 0\.1s$/);
  });

  it('renders {{ route }} as the observed Knative revision', async () => {
    const prom = await fakePrometheus({ 'test/podinfo-00002': '100' });
    const knative = canary(builtins.slice(0, 1), {
      provider: 'knative', targetRef: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'podinfo' },
    });
    const results = await evaluateMetrics(input(knative, prom.url, { knativeRevision: 'podinfo-00002' }));
    expect(results[0]).toMatchObject({ verdict: 'pass', value: 100 });
  });

  it('returns nothing for a Canary without metrics', async () => {
    await expect(evaluateMetrics(input(canary([]), 'http://127.0.0.1:1'))).resolves.toEqual([]);
  });
});
