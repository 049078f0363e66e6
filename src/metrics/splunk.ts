import { MetricError } from './errors.js';
import { baseUrl, describeBase, endpoint, httpMetricProvider, requireKey } from './http-provider.js';
import { type Credentials, type MetricProvider, type MetricProviderSpec, type ProviderOptions, queryWindowMs } from './provider.js';
import { readSignalFlowStream } from './signalflow.js';

/**
 * Splunk Observability Cloud (SignalFx): the SignalFlow program runs on the stream API's HTTP execute
 * endpoint (`POST /v2/signalflow/execute?start=&stop=&immediate=true`, dev.splunk.com/observability/
 * reference/api/signalflow/latest), whose answer is a server-sent event stream; Flagger uses the
 * WebSocket of the same API. provider.address is the realm's API (`https://api.<realm>.signalfx.com`;
 * the stream host `stream.<realm>…` is derived from it, as Flagger does), `sf_token_key` from
 * provider.secretRef goes as X-SF-Token.
 */
export function splunkProvider(spec: MetricProviderSpec, credentials: Credentials | undefined, options: ProviderOptions = {}): MetricProvider {
  const api = apiHost(baseUrl('splunk', spec.address?.trim().replace(/^ws(s?):/, 'http$1:')));
  const stream = streamHost(api);
  const token = requireKey('splunk', credentials, 'sf_token_key');
  const windowMs = queryWindowMs(options);
  return httpMetricProvider({
    type: 'splunk',
    where: `splunk at ${describeBase(stream)}`,
    timeoutMs: options.timeoutMs,
    insecureSkipVerify: spec.insecureSkipVerify,
    request: (query, at) => {
      const stop = at.getTime();
      const params = { start: String(stop - windowMs), stop: String(stop), immediate: 'true' };
      return { method: 'POST', url: endpoint(stream, '/v2/signalflow/execute', params), headers: { 'Content-Type': 'text/plain', Accept: 'text/event-stream', 'X-SF-Token': token }, body: query };
    },
    read: (answer) => {
      if (!answer.contentType.startsWith('text/event-stream')) throw new MetricError('BadResponse', `the answer is ${answer.contentType || 'untyped'}, not an event stream`);
      return readSignalFlowStream(answer.body);
    },
    onlineRequest: () => ({ method: 'GET', url: endpoint(api, '/v2/metric', { limit: '1' }), headers: { Accept: 'application/json', 'X-SF-Token': token } }),
  });
}

/** Flagger's docs also allow the stream address (`wss://stream.<realm>.signalfx.com`): its API host. */
function apiHost(address: URL): URL {
  const url = new URL(address.toString());
  if (url.hostname.startsWith('stream.')) url.hostname = `api.${url.hostname.slice(7)}`;
  return url;
}

/** `https://api.us1.signalfx.com` → `https://stream.us1.signalfx.com`; any other host is both. */
export function streamHost(api: URL): URL {
  const url = new URL(api.toString());
  if (url.hostname.startsWith('api.')) url.hostname = `stream.${url.hostname.slice(4)}`;
  return url;
}
