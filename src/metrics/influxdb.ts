import { MetricError } from './errors.js';
import { baseUrl, describeBase, endpoint, finite, type HttpAnswer, httpMetricProvider } from './http-provider.js';
import { firstInfluxValue } from './influx-csv.js';
import type { Credentials, MetricProvider, MetricProviderSpec, ProviderOptions } from './provider.js';

const NUMERIC = new Set(['double', 'long', 'unsignedLong', undefined]);
const ONLINE_QUERY = 'buckets() |> limit(n: 1)';

/**
 * InfluxDB 2's Flux query API (`POST /api/v2/query?org=`, docs.influxdata.com/influxdb/v2/api/
 * #operation/PostQuery) with annotated CSV answers; provider.secretRef's `token` (as `Authorization:
 * Token …`) and `org`, both needed when a Secret is given, as in Flagger. The value is the first
 * record's `_value`; no record is no data (Flagger answers 0 there: we fail closed).
 */
export function influxdbProvider(spec: MetricProviderSpec, credentials: Credentials | undefined, options: ProviderOptions = {}): MetricProvider {
  const base = baseUrl('influxdb', spec.address);
  const { token, org } = influxCredentials(credentials);
  const headers: Record<string, string> = {
    Accept: 'application/csv',
    'Content-Type': 'application/json',
    ...(token ? { Authorization: `Token ${token}` } : {}),
  };
  const ask = (query: string) => ({
    method: 'POST' as const,
    url: endpoint(base, '/api/v2/query', org ? { org } : {}),
    headers,
    body: JSON.stringify({ query, type: 'flux', dialect: { header: true, annotations: ['datatype', 'group', 'default'], delimiter: ',' } }),
  });
  return httpMetricProvider({
    type: 'influxdb',
    where: `influxdb at ${describeBase(base)}`,
    timeoutMs: options.timeoutMs,
    insecureSkipVerify: spec.insecureSkipVerify,
    request: (query) => ask(query),
    read: (answer) => readInfluxAnswer(answer),
    onlineRequest: () => ask(ONLINE_QUERY),
  });
}

function influxCredentials(credentials: Credentials | undefined): { token?: string; org?: string } {
  if (credentials === undefined) return {};
  const token = credentials.token?.trim();
  const org = credentials.org?.trim();
  if (!token) throw new MetricError('Config', 'influxdb credentials (provider.secretRef) have no token');
  if (!org) throw new MetricError('Config', 'influxdb credentials (provider.secretRef) have no org');
  return { token, org };
}

export function readInfluxAnswer(answer: HttpAnswer): number | null {
  const first = firstInfluxValue(answer.body);
  if (first === undefined) return null;
  if (!NUMERIC.has(first.datatype)) throw new MetricError('QueryError', `the _value is a ${first.datatype ?? 'non-number'}, not a number`);
  if (first.value === '') return null;
  const value = finite(first.value);
  if (value === null && !/^[+-]?(NaN|Inf)$/i.test(first.value)) throw new MetricError('BadResponse', `the _value "${first.value.slice(0, 40)}" is not a number`);
  return value;
}
