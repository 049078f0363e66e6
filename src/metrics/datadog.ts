import { MetricError } from './errors.js';
import { baseUrl, describeBase, endpoint, finite, type HttpAnswer, httpMetricProvider, parseJson, requireKey } from './http-provider.js';
import { type Credentials, type MetricProvider, type MetricProviderSpec, type ProviderOptions, queryWindowMs } from './provider.js';

export const DATADOG_DEFAULT_ADDRESS = 'https://api.datadoghq.com';

/**
 * Datadog's metrics query API (`GET /api/v1/query?query=&from=&to=`, docs.datadoghq.com/api/latest/
 * metrics/#query-timeseries-points), keys `datadog_api_key` and `datadog_application_key` from
 * provider.secretRef sent as DD-API-KEY / DD-APPLICATION-KEY. The value is the first point of the first
 * series, as Flagger reads it (the newest bucket is usually incomplete).
 */
export function datadogProvider(spec: MetricProviderSpec, credentials: Credentials | undefined, options: ProviderOptions = {}): MetricProvider {
  const base = baseUrl('datadog', spec.address, DATADOG_DEFAULT_ADDRESS);
  const headers = {
    Accept: 'application/json',
    'DD-API-KEY': requireKey('datadog', credentials, 'datadog_api_key'),
    'DD-APPLICATION-KEY': requireKey('datadog', credentials, 'datadog_application_key'),
  };
  const windowSeconds = Math.round(queryWindowMs(options) / 1000);
  return httpMetricProvider({
    type: 'datadog',
    where: `datadog at ${describeBase(base)}`,
    timeoutMs: options.timeoutMs,
    insecureSkipVerify: spec.insecureSkipVerify,
    request: (query, at) => {
      const to = Math.floor(at.getTime() / 1000);
      return { method: 'GET', url: endpoint(base, '/api/v1/query', { query, from: String(to - windowSeconds), to: String(to) }), headers };
    },
    read: (answer) => readDatadogAnswer(answer),
    onlineRequest: () => ({ method: 'GET', url: endpoint(base, '/api/v1/validate'), headers }),
  });
}

export function readDatadogAnswer(answer: HttpAnswer): number | null {
  const body = parseJson(answer) as { status?: unknown; error?: unknown; series?: unknown };
  if (body.status === 'error') throw new MetricError('QueryError', `query failed: ${String(body.error ?? 'no reason given')}`);
  if (!Array.isArray(body.series)) throw new MetricError('BadResponse', 'the answer has no "series" list');
  const first = body.series[0] as { pointlist?: unknown } | undefined;
  if (first === undefined) return null;
  if (!Array.isArray(first.pointlist)) throw new MetricError('BadResponse', 'the first series has no "pointlist"');
  const point = first.pointlist[0] as unknown;
  if (point === undefined) return null;
  if (!Array.isArray(point) || point.length < 2) throw new MetricError('BadResponse', 'a point is not [timestamp, value]');
  return finite(point[1]);
}
