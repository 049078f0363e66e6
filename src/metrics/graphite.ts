import { MetricError } from './errors.js';
import { baseUrl, describeBase, endpoint, finite, type HttpAnswer, httpMetricProvider, parseJson } from './http-provider.js';
import { collapseWhitespace } from './prometheus.js';
import type { Credentials, MetricProvider, MetricProviderSpec, ProviderOptions } from './provider.js';

/**
 * Graphite's render API (`GET /render?<query>&format=json`, graphite.readthedocs.io/en/latest/
 * render_api.html): the query is the URL's parameters (`target=…&from=-1min`). Basic auth from
 * provider.secretRef's `username` and `password`. The value is the last non-null point, as Flagger
 * reads it; no point with a value is no data.
 */
export function graphiteProvider(spec: MetricProviderSpec, credentials: Credentials | undefined, options: ProviderOptions = {}): MetricProvider {
  const base = baseUrl('graphite', spec.address);
  const headers: Record<string, string> = { Accept: 'application/json', ...basicAuth(credentials) };
  const render = (query: string) => {
    const url = endpoint(base, '/render');
    url.search = new URLSearchParams(collapseWhitespace(query).replace(/^[?&]+/, '')).toString();
    url.searchParams.set('format', 'json');
    return { method: 'GET' as const, url, headers };
  };
  return httpMetricProvider({
    type: 'graphite',
    where: `graphite at ${describeBase(base)}`,
    timeoutMs: options.timeoutMs,
    insecureSkipVerify: spec.insecureSkipVerify,
    request: (query) => render(query),
    read: (answer) => readGraphiteAnswer(answer),
    onlineRequest: () => render('target=test'),
  });
}

function basicAuth(credentials: Credentials | undefined): Record<string, string> {
  if (credentials === undefined) return {};
  const { username, password } = credentials;
  if (!username || !password) throw new MetricError('Config', 'graphite credentials (provider.secretRef) need a username and a password');
  return { Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
}

export function readGraphiteAnswer(answer: HttpAnswer): number | null {
  const body = parseJson(answer);
  if (!Array.isArray(body)) throw new MetricError('BadResponse', 'the answer is not a list of series');
  let value: number | null = null;
  for (const series of body as { datapoints?: unknown }[]) {
    if (!Array.isArray(series?.datapoints)) throw new MetricError('BadResponse', 'a series has no "datapoints"');
    for (const point of series.datapoints as unknown[]) {
      if (!Array.isArray(point) || point.length !== 2) throw new MetricError('BadResponse', 'a datapoint is not [value, timestamp]');
      value = finite(point[0]) ?? value;
    }
  }
  return value;
}
