import { MetricError } from './errors.js';
import { baseUrl, describeBase, endpoint, finite, type HttpAnswer, httpMetricProvider, parseJson, requireKey } from './http-provider.js';
import { type Credentials, type MetricProvider, type MetricProviderSpec, type ProviderOptions, queryWindowMs } from './provider.js';

/**
 * Dynatrace's Metrics API v2 (`GET /api/v2/metrics/query?metricSelector=&resolution=Inf&from=&to=`,
 * docs.dynatrace.com/docs/dynatrace-api/environment-api/metric-v2/get-data-points), the token
 * `dynatrace_token` from provider.secretRef as `Authorization: Api-Token …`. provider.address is the
 * environment (`https://<id>.live.dynatrace.com`). The value is the first value of the last data
 * series of the first result, as Flagger reads it.
 */
export function dynatraceProvider(spec: MetricProviderSpec, credentials: Credentials | undefined, options: ProviderOptions = {}): MetricProvider {
  const base = baseUrl('dynatrace', spec.address);
  const headers = { Accept: 'application/json', Authorization: `Api-Token ${requireKey('dynatrace', credentials, 'dynatrace_token')}` };
  const windowMs = queryWindowMs(options);
  return httpMetricProvider({
    type: 'dynatrace',
    where: `dynatrace at ${describeBase(base)}`,
    timeoutMs: options.timeoutMs,
    insecureSkipVerify: spec.insecureSkipVerify,
    request: (query, at) => {
      const to = at.getTime();
      const params = { metricSelector: query, resolution: 'Inf', from: String(to - windowMs), to: String(to) };
      return { method: 'GET', url: endpoint(base, '/api/v2/metrics/query', params), headers };
    },
    read: (answer) => readDynatraceAnswer(answer),
    onlineRequest: () => ({ method: 'GET', url: endpoint(base, '/api/v2/metrics', { pageSize: '1' }), headers }),
  });
}

export function readDynatraceAnswer(answer: HttpAnswer): number | null {
  const body = parseJson(answer) as { result?: unknown };
  if (!Array.isArray(body.result)) throw new MetricError('BadResponse', 'the answer has no "result" list');
  const first = body.result[0] as { data?: unknown } | undefined;
  if (first === undefined) return null;
  if (!Array.isArray(first.data)) throw new MetricError('BadResponse', 'the first result has no "data" list');
  const last = first.data[first.data.length - 1] as { values?: unknown } | undefined;
  if (last === undefined) return null;
  if (!Array.isArray(last.values)) throw new MetricError('BadResponse', 'a data series has no "values" list');
  return last.values.length === 0 ? null : finite(last.values[0]);
}
