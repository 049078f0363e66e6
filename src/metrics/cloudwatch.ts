import { type AwsCredentials, signV4 } from './aws-sigv4.js';
import { MetricError } from './errors.js';
import { baseUrl, describeBase, finite, type HttpAnswer, type HttpRequest, httpMetricProvider, parseJson, requireKey } from './http-provider.js';
import { type Credentials, type MetricProvider, type MetricProviderSpec, type ProviderOptions, queryWindowMs } from './provider.js';

const TARGET = 'GraniteServiceVersion20100801.GetMetricData';
/** Flagger's docs show templates without a secretRef (the SDK's default chain): those fail each check, saying why. */
const AMBIENT_UNSUPPORTED = 'no provider.secretRef: Pennant does not take AWS credentials from its environment (IRSA, instance roles) yet; '
  + 'set provider.secretRef to a Secret with aws_access_key_id and aws_secret_access_key';

/**
 * CloudWatch's GetMetricData (docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/
 * API_GetMetricData.html) over the AWS JSON 1.0 protocol, signed with SigV4. The query is the JSON list
 * of MetricDataQuery objects (as in Flagger's docs); the range is ten intervals back from the step.
 * provider.region is required; provider.address replaces `https://monitoring.<region>.amazonaws.com`.
 * Credentials come from provider.secretRef (`aws_access_key_id`, `aws_secret_access_key`, optional
 * `aws_session_token`): Flagger uses the SDK's default chain instead (IRSA, instance roles).
 */
export function cloudwatchProvider(spec: MetricProviderSpec, credentials: Credentials | undefined, options: ProviderOptions = {}): MetricProvider {
  const region = spec.region?.trim();
  if (!region) throw new MetricError('Config', 'cloudwatch needs provider.region (e.g. us-east-1)');
  if (!/^[a-z0-9-]+$/.test(region)) throw new MetricError('Config', `cloudwatch provider.region "${region}" is not a region name`);
  const base = baseUrl('cloudwatch', spec.address, `https://monitoring.${region}.amazonaws.com`);
  const aws = credentials === undefined ? undefined : awsCredentials(credentials);
  const windowMs = queryWindowMs(options);
  const call = (payload: Record<string, unknown>, now: Date): HttpRequest => {
    if (aws === undefined) throw new MetricError('Config', AMBIENT_UNSUPPORTED);
    const body = JSON.stringify(payload);
    const url = new URL(`${base.toString().replace(/\/$/, '')}/`);
    const headers = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': TARGET, accept: 'application/json' };
    return { method: 'POST', url, body, headers: signV4({ method: 'POST', url, headers, body, region, service: 'monitoring', now }, aws) };
  };
  return httpMetricProvider({
    type: 'cloudwatch',
    where: `cloudwatch at ${describeBase(base)}`,
    timeoutMs: options.timeoutMs,
    insecureSkipVerify: spec.insecureSkipVerify,
    request: (query, at) => call({
      StartTime: (at.getTime() - windowMs) / 1000,
      EndTime: at.getTime() / 1000,
      MaxDatapoints: 20,
      MetricDataQueries: metricDataQueries(query),
    }, new Date()),
    read: (answer) => readCloudWatchAnswer(answer),
    // As Flagger: an empty request is refused with a 400 by a CloudWatch that accepts the credentials.
    onlineRequest: () => call({ StartTime: 0, EndTime: 0, MetricDataQueries: [] }, new Date()),
    online: (answer) => answer.status === 200 || answer.status === 400,
  });
}

function awsCredentials(credentials: Credentials | undefined): AwsCredentials {
  const accessKeyId = requireKey('cloudwatch', credentials, 'aws_access_key_id');
  const secretAccessKey = requireKey('cloudwatch', credentials, 'aws_secret_access_key');
  const sessionToken = credentials?.aws_session_token?.trim();
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

/** The rendered query: a JSON list of MetricDataQuery objects, each with an Id. */
export function metricDataQueries(query: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(query);
  } catch {
    throw new MetricError('QueryError', 'cloudwatch query is not JSON: write the list of MetricDataQuery objects');
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw new MetricError('QueryError', 'cloudwatch query must be a non-empty JSON list of MetricDataQuery objects');
  if (parsed.some((q) => typeof (q as { Id?: unknown })?.Id !== 'string')) throw new MetricError('QueryError', 'cloudwatch query: every MetricDataQuery needs an "Id"');
  return parsed;
}

/** The first value of the first result, as Flagger reads it; no result or no value is no data. */
export function readCloudWatchAnswer(answer: HttpAnswer): number | null {
  const body = parseJson(answer) as { MetricDataResults?: unknown };
  if (!Array.isArray(body.MetricDataResults)) throw new MetricError('BadResponse', 'the answer has no "MetricDataResults"');
  const first = body.MetricDataResults[0] as { Values?: unknown; StatusCode?: unknown } | undefined;
  if (first === undefined) return null;
  if (first.StatusCode === 'Forbidden' || first.StatusCode === 'InternalError') throw new MetricError('QueryError', `the result's status is ${String(first.StatusCode)}`);
  if (!Array.isArray(first.Values)) throw new MetricError('BadResponse', 'the first result has no "Values"');
  return first.Values.length === 0 ? null : finite(first.Values[0]);
}
