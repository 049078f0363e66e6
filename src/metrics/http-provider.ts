import https from 'node:https';
import axios, { AxiosError } from 'axios';
import { deadline } from '../util/deadline.js';
import { errorMessage, MetricError } from './errors.js';
import { formatSeconds } from './prometheus.js';
import { DEFAULT_QUERY_TIMEOUT_MS, type MetricProvider, type MetricProviderType } from './provider.js';

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** One backend's HTTP API: how a query becomes a request, and how the answer becomes one number. */
export interface HttpBackend {
  type: MetricProviderType;
  /** `datadog at https://api.datadoghq.com`: names the server in every error, never a credential. */
  where: string;
  timeoutMs?: number | undefined;
  insecureSkipVerify?: boolean | undefined;
  request(query: string, at: Date, signal: AbortSignal): Promise<HttpRequest> | HttpRequest;
  /** The value of a 2xx answer; null for no data; throws a MetricError when it is not the API's shape. */
  read(answer: HttpAnswer): number | null;
  onlineRequest(signal: AbortSignal): Promise<HttpRequest> | HttpRequest;
  /** Is this answer to the online request a sign of life? Default: a 2xx. */
  online?(answer: HttpAnswer): boolean;
}

const MAX_ANSWER_BYTES = 16 * 1024 * 1024;
const ANSWER_CHARS = 300;

/** A MetricProvider over an HTTP API; transport failures become MetricErrors as for Prometheus. */
export function httpMetricProvider(backend: HttpBackend, now: () => Date = () => new Date()): MetricProvider {
  const timeoutMs = backend.timeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  const agent = backend.insecureSkipVerify ? new https.Agent({ rejectUnauthorized: false }) : undefined;
  const send = (build: (signal: AbortSignal) => Promise<HttpRequest> | HttpRequest, signal: AbortSignal) =>
    exchange(backend.where, build, signal, timeoutMs, agent);
  return {
    type: backend.type,
    async query(query, signal, at) {
      const answer = await send((limit) => backend.request(query, at ?? now(), limit), signal);
      if (answer.status < 200 || answer.status >= 300) throw httpError(backend.where, answer);
      try {
        return backend.read(answer);
      } catch (err) {
        const cause = err instanceof MetricError ? err : new MetricError('BadResponse', errorMessage(err), { cause: err });
        throw new MetricError(cause.code, `${backend.where}: ${cause.message}`, { cause, status: answer.status });
      }
    },
    async isOnline(signal) {
      const answer = await send((limit) => backend.onlineRequest(limit), signal);
      const alive = backend.online ? backend.online(answer) : answer.status >= 200 && answer.status < 300;
      if (!alive) throw httpError(backend.where, answer);
      return true;
    },
  };
}

async function exchange(where: string, build: (signal: AbortSignal) => Promise<HttpRequest> | HttpRequest, caller: AbortSignal, timeoutMs: number, httpsAgent: https.Agent | undefined): Promise<HttpAnswer> {
  const limit = deadline(caller, timeoutMs);
  try {
    const request = await build(limit.signal);
    const answer = await axios.request<string>({
      method: request.method,
      url: request.url.toString(),
      headers: request.headers,
      data: request.body,
      httpsAgent,
      signal: limit.signal,
      responseType: 'text',
      transformResponse: (data: string) => data,
      validateStatus: () => true,
      maxContentLength: MAX_ANSWER_BYTES,
      maxRedirects: 0,
    });
    return { status: answer.status, contentType: String(answer.headers['content-type'] ?? ''), body: String(answer.data ?? '') };
  } catch (err) {
    // Library errors are not kept as the cause: axios' carry the request, credential headers included.
    if (err instanceof MetricError) throw new MetricError(err.code, `${where}: ${err.message}`, { cause: err, status: err.status });
    if (caller.aborted) throw new MetricError('Aborted', `${where}: query cancelled`);
    if (limit.timedOut()) throw new MetricError('Timeout', `${where}: timed out after ${formatSeconds(timeoutMs)}`);
    if (err instanceof AxiosError && err.code === AxiosError.ERR_BAD_RESPONSE) throw new MetricError('BadResponse', `${where}: ${err.message}`);
    const code = (err as { code?: unknown }).code;
    throw new MetricError('Unreachable', `cannot reach ${where}: ${typeof code === 'string' ? code : errorMessage(err)}`);
  } finally {
    limit.dispose();
  }
}

/** A 400 or 422 is the query's fault; anything else is the server's or the credentials'. */
function httpError(where: string, answer: HttpAnswer): MetricError {
  const code = answer.status === 400 || answer.status === 422 ? 'QueryError' : 'BadResponse';
  const hint = answer.status === 401 || answer.status === 403 ? ' (check the credentials in provider.secretRef)' : '';
  const body = brief(answer.body);
  return new MetricError(code, `${where}: HTTP ${answer.status}${hint}${body ? `: ${body}` : ''}`, { status: answer.status });
}

export function brief(text: string): string {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  return trimmed.length > ANSWER_CHARS ? `${trimmed.slice(0, ANSWER_CHARS)}…` : trimmed;
}

/** The JSON of an answer, or a BadResponse naming what came instead. */
export function parseJson(answer: HttpAnswer): unknown {
  try {
    return JSON.parse(answer.body) as unknown;
  } catch {
    throw new MetricError('BadResponse', `the answer is not JSON (${answer.contentType || 'no content type'}): ${brief(answer.body).slice(0, 80)}`);
  }
}

/** provider.address as a URL (a path prefix is kept), or a Config error naming the field. */
export function baseUrl(type: string, address: string | undefined, fallback?: string): URL {
  const raw = address === undefined || address.trim() === '' ? fallback : address.trim();
  if (raw === undefined) throw new MetricError('Config', `${type} has no address: set provider.address`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new MetricError('Config', `${type} provider.address is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new MetricError('Config', `${type} provider.address must be http or https, not ${url.protocol.replace(':', '')}`);
  url.pathname = url.pathname.replace(/\/+$/, '');
  url.search = '';
  return url;
}

/** base + path, keeping the base's path prefix. */
export function endpoint(base: URL, path: string, params: Record<string, string> = {}): URL {
  const url = new URL(base.toString());
  url.pathname = `${base.pathname.replace(/\/+$/, '')}${path}`;
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url;
}

/** scheme://host/path of a base URL: what a user needs to find the server. */
export const describeBase = (base: URL): string => `${base.protocol}//${base.host}${base.pathname.replace(/\/+$/, '')}`;

/** A credential from provider.secretRef, or a Config error naming the key (never its value). */
export function requireKey(type: string, credentials: Readonly<Record<string, string>> | undefined, key: string): string {
  const value = credentials?.[key]?.trim();
  if (value === undefined || value === '') {
    throw new MetricError('Config', credentials ? `${type} credentials (provider.secretRef) have no ${key}` : `${type} needs provider.secretRef: a Secret with ${key}`);
  }
  return value;
}

/** A finite number from a JSON value (numbers, or numeric strings as some APIs send); null otherwise. */
export function finite(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : null;
}
