import { MetricError } from './errors.js';
import { GoogleTokenSource, parseServiceAccountKey } from './google-token.js';
import { baseUrl, describeBase, endpoint, finite, type HttpAnswer, httpMetricProvider, parseJson, requireKey } from './http-provider.js';
import type { Credentials, MetricProvider, MetricProviderSpec, ProviderOptions } from './provider.js';

export const STACKDRIVER_DEFAULT_ADDRESS = 'https://monitoring.googleapis.com';
const WORKLOAD_IDENTITY_UNSUPPORTED = 'no provider.secretRef: Pennant does not use workload identity yet; '
  + 'set provider.secretRef to a Secret with project and serviceAccountKey';

/**
 * Google Cloud Monitoring's MQL query (`POST /v3/projects/<project>/timeSeries:query`, cloud.google.com/
 * monitoring/api/ref_v3/rest/v3/projects.timeSeries/query), with provider.secretRef's `project` and
 * `serviceAccountKey` (a key file; its token comes from the OAuth 2.0 JWT grant). Flagger also runs on
 * workload identity without a key: Pennant needs the key. The value is the first value of the first
 * point of the first series, as Flagger reads it (int64 values too, which Flagger reads as 0).
 */
export function stackdriverProvider(spec: MetricProviderSpec, credentials: Credentials | undefined, options: ProviderOptions = {}): MetricProvider {
  const base = baseUrl('stackdriver', spec.address, STACKDRIVER_DEFAULT_ADDRESS);
  const account = credentials === undefined ? undefined : serviceAccount(credentials);
  const ask = async (query: string, signal: AbortSignal) => {
    if (account === undefined) throw new MetricError('Config', WORKLOAD_IDENTITY_UNSUPPORTED);
    const { project, tokens } = account;
    return {
      method: 'POST' as const,
    url: endpoint(base, `/v3/projects/${project}/timeSeries:query`),
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: `Bearer ${await tokens.token(signal)}` },
      body: JSON.stringify({ query }),
    };
  };
  return httpMetricProvider({
    type: 'stackdriver',
    where: `stackdriver at ${describeBase(base)}${account ? ` (project ${account.project})` : ''}`,
    timeoutMs: options.timeoutMs,
    insecureSkipVerify: spec.insecureSkipVerify,
    request: (query, _at, signal) => ask(query, signal),
    read: (answer) => readStackdriverAnswer(answer),
    // As Flagger: an empty query is refused as invalid (400) by an API that accepts the token.
    onlineRequest: (signal) => ask('', signal),
    online: (answer) => answer.status === 200 || answer.status === 400,
  });
}

function serviceAccount(credentials: Credentials): { project: string; tokens: GoogleTokenSource } {
  const project = requireKey('stackdriver', credentials, 'project');
  if (!/^[a-z][a-z0-9-]{4,61}[a-z0-9]$|^\d+$/.test(project)) throw new MetricError('Config', `stackdriver credentials: project "${project}" is not a project id`);
  return { project, tokens: new GoogleTokenSource(parseServiceAccountKey(requireKey('stackdriver', credentials, 'serviceAccountKey'))) };
}

export function readStackdriverAnswer(answer: HttpAnswer): number | null {
  const body = parseJson(answer) as { timeSeriesData?: unknown };
  if (body === null || typeof body !== 'object') throw new MetricError('BadResponse', 'the answer is not an object');
  if (body.timeSeriesData === undefined) return null;
  if (!Array.isArray(body.timeSeriesData)) throw new MetricError('BadResponse', '"timeSeriesData" is not a list');
  const series = body.timeSeriesData[0] as { pointData?: unknown } | undefined;
  const point = Array.isArray(series?.pointData) ? (series.pointData[0] as { values?: unknown } | undefined) : undefined;
  if (point === undefined) return null;
  const value = Array.isArray(point.values) ? (point.values[0] as { doubleValue?: unknown; int64Value?: unknown } | undefined) : undefined;
  if (value === undefined) return null;
  if ('doubleValue' in value) return finite(value.doubleValue);
  if ('int64Value' in value) return finite(value.int64Value);
  throw new MetricError('QueryError', `the value is not a number (${Object.keys(value).join(', ') || 'empty'})`);
}
