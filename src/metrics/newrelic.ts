import { MetricError } from './errors.js';
import { baseUrl, describeBase, endpoint, finite, type HttpAnswer, httpMetricProvider, parseJson, requireKey } from './http-provider.js';
import { type Credentials, DEFAULT_INTERVAL_MS, type MetricProvider, type MetricProviderSpec, type ProviderOptions } from './provider.js';

export const NEWRELIC_DEFAULT_ADDRESS = 'https://insights-api.newrelic.com';

/**
 * New Relic's Insights query API (`GET /v1/accounts/<account>/query?nrql=`, docs.newrelic.com/docs/
 * apis/insights-apis/query-insights-event-data-api), `newrelic_account_id` and `newrelic_query_key`
 * from provider.secretRef (the key as X-Query-Key). As Flagger, ` SINCE <interval> seconds ago` is
 * appended to the NRQL, and the answer must hold one result: its `result` (or its only number, as
 * `count` or `average` functions name it).
 */
export function newrelicProvider(spec: MetricProviderSpec, credentials: Credentials | undefined, options: ProviderOptions = {}): MetricProvider {
  const base = baseUrl('newrelic', spec.address, NEWRELIC_DEFAULT_ADDRESS);
  const account = requireKey('newrelic', credentials, 'newrelic_account_id');
  if (!/^\d+$/.test(account)) throw new MetricError('Config', 'newrelic credentials: newrelic_account_id is not a number');
  const headers = { Accept: 'application/json', 'X-Query-Key': requireKey('newrelic', credentials, 'newrelic_query_key') };
  const since = Math.round((options.intervalMs ?? DEFAULT_INTERVAL_MS) / 1000);
  const ask = (nrql: string) => ({ method: 'GET' as const, url: endpoint(base, `/v1/accounts/${account}/query`, { nrql }), headers });
  return httpMetricProvider({
    type: 'newrelic',
    where: `newrelic at ${describeBase(base)}`,
    timeoutMs: options.timeoutMs,
    insecureSkipVerify: spec.insecureSkipVerify,
    request: (query) => ask(`${query.trim()} SINCE ${since} seconds ago`),
    read: (answer) => readNewRelicAnswer(answer),
    onlineRequest: () => ask('SELECT * FROM Metric'),
  });
}

export function readNewRelicAnswer(answer: HttpAnswer): number | null {
  const body = parseJson(answer) as { results?: unknown; error?: unknown };
  if (body.error !== undefined) throw new MetricError('QueryError', `query failed: ${String(body.error)}`);
  if (!Array.isArray(body.results)) throw new MetricError('BadResponse', 'the answer has no "results" list');
  if (body.results.length === 0) return null;
  if (body.results.length > 1) throw new MetricError('QueryError', `the query has ${body.results.length} results, not one (select a single value)`);
  const result = body.results[0] as Record<string, unknown> | null;
  if (result === null || typeof result !== 'object') throw new MetricError('BadResponse', 'a result is not an object');
  if ('result' in result) return finite(result.result);
  const values = Object.values(result);
  if (values.length === 1) return finite(values[0]);
  throw new MetricError('QueryError', `the result has ${values.length} values (${Object.keys(result).join(', ')}), not one`);
}
