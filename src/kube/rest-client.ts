import http from 'node:http';
import https from 'node:https';
import type { ClusterConnection as KubeConfig } from './kubeconfig.js';
import { codeForStatus, KubeError } from './errors.js';
import { isObject } from './json.js';

export interface RestRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  contentType?: string;
  /** Gives up when the connection is idle this long. */
  timeoutMs?: number;
  /** The Accept header (default application/json), e.g. to ask for PartialObjectMetadata. */
  accept?: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * JSON over HTTP(S) to the API server, authenticated by the KubeConfig (client certificates,
 * tokens, exec plugins, impersonation). Raw node:https rather than client-node's generated
 * clients: it needs subresources, several values for one header (Impersonate-Group) and
 * long-lived watch streams with an idle timeout, and it pools connections (keep-alive).
 * Every failure is a KubeError: HTTP status → codeForStatus, network failure → 'Unavailable'.
 */
export class RestClient {
  constructor(private readonly kc: KubeConfig) {}

  async request(req: RestRequest): Promise<unknown> {
    const res = await this.send(req);
    const text = await readBody(res);
    if ((res.statusCode ?? 0) >= 300) throw statusError(res.statusCode ?? 0, text);
    return text ? parseJson(text) : undefined;
  }

  /** Opens a streaming GET (a watch); the caller consumes or destroys the response. */
  async stream(req: RestRequest, signal: AbortSignal): Promise<http.IncomingMessage> {
    const res = await this.send(req, signal);
    if (res.statusCode !== 200) throw statusError(res.statusCode ?? 0, await readBody(res));
    return res;
  }

  private async send(req: RestRequest, signal?: AbortSignal): Promise<http.IncomingMessage> {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new KubeError('Unknown', 'the kubeconfig has no current cluster');
    const url = new URL(cluster.server.replace(/\/+$/, '') + req.path);
    for (const [key, value] of Object.entries(req.query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
    const options: https.RequestOptions = { method: req.method, headers: {} };
    try {
      await this.kc.applyToHTTPSOptions(options);
    } catch (err) {
      throw new KubeError('Unauthorized', `cannot authenticate to ${cluster.server}: ${messageOf(err)}`, undefined, { cause: err });
    }
    // applyToHTTPSOptions builds a fresh agent per call (a TLS handshake per request); without a
    // proxy, the global agent pools connections keyed by the same TLS options.
    if (!cluster.proxyUrl) delete options.agent;
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    options.headers = {
      ...options.headers,
      Accept: req.accept ?? 'application/json',
      'User-Agent': 'pennant',
      ...(body === undefined ? {} : { 'Content-Type': req.contentType ?? 'application/json', 'Content-Length': Buffer.byteLength(body) }),
    };
    return new Promise((resolve, reject) => {
      const transport = url.protocol === 'http:' ? http : https;
      const call = transport.request(url, { ...options, ...(signal ? { signal } : {}) }, resolve);
      call.on('error', (err) => reject(networkError(req, url, err)));
      call.setTimeout(req.timeoutMs ?? DEFAULT_TIMEOUT_MS, () => call.destroy(Object.assign(new Error(`no answer for ${req.timeoutMs ?? DEFAULT_TIMEOUT_MS}ms`), { code: IDLE_TIMEOUT })));
      call.end(body);
    });
  }
}

function readBody(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', (err) => reject(new KubeError('Unavailable', `reading the response: ${err.message}`, undefined, { cause: err })));
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new KubeError('Unknown', `the server sent invalid JSON: ${text.slice(0, 200)}`, undefined, { cause: err });
  }
}

/** A metav1.Status body (or any body) of a failed request as a KubeError. */
export function statusError(status: number, text: string): KubeError {
  let reason: string | undefined;
  let message = text.trim().slice(0, 500) || `HTTP ${status}`;
  try {
    const parsed: unknown = JSON.parse(text);
    if (isObject(parsed)) {
      if (typeof parsed.reason === 'string') reason = parsed.reason;
      if (typeof parsed.message === 'string') message = parsed.message;
    }
  } catch {
    // Not a Status object (a proxy's HTML page, say): keep the raw text as the message.
  }
  return new KubeError(codeForStatus(status, reason), message, status);
}

/** No HTTP answer at all: says which server, and whether it was TLS, a timeout or the connection itself. */
function networkError(req: RestRequest, url: URL, err: Error & { code?: unknown }): KubeError {
  const code = typeof err.code === 'string' ? err.code : '';
  const request = `${req.method} ${url.pathname}`;
  return new KubeError('Unavailable', `${failureOf(code, url.origin)} (${request}): ${err.message}${TLS_ERROR.test(code) ? ` (${code})` : ''}`, undefined, { cause: err });
}

function failureOf(code: string, server: string): string {
  if (TLS_ERROR.test(code)) return `TLS with the API server ${server} failed`;
  if (code === IDLE_TIMEOUT) return `the API server ${server} did not answer`;
  // Our own signal (a watch stopped, the controller shutting down): not the server's fault.
  if (code === 'ABORT_ERR') return `the request to ${server} was cancelled`;
  return `the API server ${server} is unreachable`;
}

/** Node's and OpenSSL's codes for a failed handshake or certificate check. */
export const TLS_ERROR = /^(ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT|UNABLE_TO_(GET|VERIFY)_|HOSTNAME_MISMATCH|EPROTO$)/;
const IDLE_TIMEOUT = 'ETIMEDOUT';

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
