import https from 'node:https';
import axios, { AxiosError } from 'axios';
import { deadline } from '../util/deadline.js';
import { MetricError, errorMessage } from './errors.js';
import { parsePrometheusAnswer, parsePrometheusVector } from './prometheus-response.js';
import { DEFAULT_QUERY_TIMEOUT_MS, type Credentials, type MetricProvider } from './provider.js';

export type PrometheusAuth =
  | { kind: 'none' }
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; username: string; password: string };

export interface PrometheusConfig {
  address: string;
  auth: PrometheusAuth;
  /** Sent as-is; several values of one header are joined with ", " as HTTP allows. */
  headers?: Record<string, string[]>;
  insecureSkipVerify?: boolean;
  timeoutMs?: number;
}

const ONLINE_QUERY = 'vector(1)';
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;
const MAX_GET_QUERY = 4096;

/** Prometheus HTTP API, instant queries only (`GET <address>/api/v1/query`). */
export class PrometheusProvider implements MetricProvider {
  readonly type = 'prometheus' as const;
  private readonly endpoint: URL;
  private readonly where: string;
  private readonly timeoutMs: number;
  private readonly httpsAgent: https.Agent | undefined;

  constructor(private readonly config: PrometheusConfig) {
    this.endpoint = queryEndpoint(config.address);
    this.where = `prometheus at ${describeAddress(this.endpoint)}`;
    this.timeoutMs = config.timeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
    this.httpsAgent = config.insecureSkipVerify ? new https.Agent({ rejectUnauthorized: false }) : undefined;
  }

  /** `at`: evaluate at that time (the analysis step's), not when the request arrives. */
  async query(query: string, signal: AbortSignal, at?: Date): Promise<number | null> {
    return this.ask(query, signal, at, parsePrometheusAnswer);
  }

  /** Every series of a grouped query (one per workload of a batch), each with its labels. */
  async queryVector(query: string, signal: AbortSignal, at?: Date): Promise<{ labels: Record<string, string>; value: number | null }[]> {
    return this.ask(query, signal, at, parsePrometheusVector);
  }

  private async ask<T>(query: string, signal: AbortSignal, at: Date | undefined, parse: (status: number, type: string, body: string) => T): Promise<T> {
    const params = new URLSearchParams({ query: collapseWhitespace(query) });
    if (at) params.set('time', (at.getTime() / 1000).toFixed(3));
    const limit = deadline(signal, this.timeoutMs);
    const options = {
      headers: this.headers(),
      httpsAgent: this.httpsAgent,
      signal: limit.signal,
      responseType: 'text' as const,
      transformResponse: (data: string) => data,
      validateStatus: () => true,
      maxContentLength: MAX_ANSWER_BYTES,
    };
    try {
      // A batched query for many canaries is long: past a URL's comfortable size it is POSTed as a form.
      const body = params.toString();
      const answer = body.length > MAX_GET_QUERY
        ? await axios.post<string>(this.endpoint.toString(), body, { ...options, headers: { ...options.headers, 'Content-Type': 'application/x-www-form-urlencoded' } })
        : await axios.get<string>(`${this.endpoint.toString()}?${body}`, options);
      return parse(answer.status, String(answer.headers['content-type'] ?? ''), answer.data);
    } catch (err) {
      throw this.translate(err, signal, limit.timedOut());
    } finally {
      limit.dispose();
    }
  }

  async isOnline(signal: AbortSignal): Promise<boolean> {
    return (await this.query(ONLINE_QUERY, signal)) === 1;
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    for (const [name, values] of Object.entries(this.config.headers ?? {})) headers[name] = values.join(', ');
    // Credentials from the Secret win over a literal Authorization header in the spec.
    const { auth } = this.config;
    if (auth.kind === 'bearer') headers.Authorization = `Bearer ${auth.token}`;
    if (auth.kind === 'basic') {
      headers.Authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    }
    return headers;
  }

  /** Maps transport failures to MetricError; the message names the server but never its credentials. */
  private translate(err: unknown, caller: AbortSignal, timedOut: boolean): MetricError {
    if (err instanceof MetricError) {
      return new MetricError(err.code, `${this.where}: ${err.message}`, { cause: err, status: err.status });
    }
    if (caller.aborted) return new MetricError('Aborted', `${this.where}: query cancelled`, { cause: err });
    if (timedOut) {
      return new MetricError('Timeout', `${this.where}: timed out after ${formatSeconds(this.timeoutMs)}`, { cause: err });
    }
    if (err instanceof AxiosError && err.code === AxiosError.ERR_BAD_RESPONSE) {
      return new MetricError('BadResponse', `${this.where}: ${err.message}`, { cause: err });
    }
    return new MetricError('Unreachable', `cannot reach ${this.where}: ${transportDetail(err)}`, { cause: err });
  }
}

/** Flagger collapses every run of whitespace to one space, so multi-line templates become one line. */
export const collapseWhitespace = (query: string): string => query.replace(/\s+/g, ' ').trim();

/** Credentials from the Secret: a token gives a Bearer header, else username and password (both). */
export function prometheusAuth(credentials: Credentials | undefined): PrometheusAuth {
  if (credentials === undefined) return { kind: 'none' };
  const { token, username, password } = credentials;
  if (token !== undefined && token !== '') return { kind: 'bearer', token };
  if (username !== undefined && password !== undefined) return { kind: 'basic', username, password };
  if (username !== undefined) throw new MetricError('Config', 'prometheus credentials have a username but no password');
  if (password !== undefined) throw new MetricError('Config', 'prometheus credentials have a password but no username');
  throw new MetricError('Config', 'prometheus credentials need a token, or a username and a password');
}

function queryEndpoint(address: string): URL {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new MetricError('Config', 'prometheus address is not a valid URL (expected e.g. http://prometheus:9090)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new MetricError('Config', `prometheus address must be http or https, not ${url.protocol.replace(':', '')}`);
  }
  // The address may carry a path prefix (a Prometheus behind a proxy at /prometheus).
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v1/query`;
  return url;
}

/** scheme://host:port/path: what a user needs to find the server, without userinfo or query string. */
export const describeAddress = (url: URL): string =>
  `${url.protocol}//${url.host}${url.pathname.replace(/\/api\/v1\/query$/, '')}`;

function transportDetail(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  const message = errorMessage(err);
  const detail = typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
  const certificate = typeof code === 'string' && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code);
  return certificate ? `${detail} (a private CA or self-signed certificate? see provider.insecureSkipVerify)` : detail;
}

export const formatSeconds = (ms: number): string => `${Number((ms / 1000).toFixed(3))}s`;
