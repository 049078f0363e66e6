import { setTimeout as delay } from 'node:timers/promises';
import axios, { type AxiosProxyConfig } from 'axios';
import { scrubUrl } from '../webhooks/url.js';
import { NotifyError } from './errors.js';
import type { Destination } from './types.js';

export interface DeliveryOptions {
  /** Per attempt; Flagger's is 5 s. */
  timeoutMs?: number;
  /** Wait before the one retry. */
  retryDelayMs?: number;
  /** Both attempts and the wait together never take longer than this. */
  budgetMs?: number;
}

export const DELIVERY_DEFAULTS: Required<DeliveryOptions> = { timeoutMs: 5_000, retryDelayMs: 500, budgetMs: 10_000 };

const MAX_ANSWER_BYTES = 64 * 1024;
const ANSWER_CHARS = 200;

type Attempt = { ok: true } | { ok: false; error: NotifyError; retriable: boolean };

/**
 * POSTs `body` as JSON. A 2xx answer is success; anything else is a NotifyError naming the
 * destination by its label, never by its URL. Flagger makes one attempt; we retry once, after a short
 * wait, on connection errors and 5xx answers (a timeout is not retried: the budget would be gone).
 */
export async function deliver(destination: Destination, url: string, body: unknown, options: DeliveryOptions = {}): Promise<void> {
  const { timeoutMs, retryDelayMs, budgetMs } = { ...DELIVERY_DEFAULTS, ...options };
  const started = Date.now();
  const first = await attempt(destination, url, body, timeoutMs);
  if (first.ok) return;
  const left = budgetMs - (Date.now() - started) - retryDelayMs;
  if (!first.retriable || left <= 0) throw first.error;
  await delay(retryDelayMs);
  const second = await attempt(destination, url, body, Math.min(timeoutMs, left));
  if (second.ok) return;
  throw new NotifyError(second.error.code, `${second.error.message} (after 2 attempts)`, { status: second.error.status });
}

async function attempt(destination: Destination, url: string, body: unknown, timeoutMs: number): Promise<Attempt> {
  const { label } = destination;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const response = await axios.post<string>(url, JSON.stringify(body), {
      headers: { 'Content-Type': 'application/json', ...(destination.token ? { Authorization: `Bearer ${destination.token}` } : {}) },
      ...(destination.proxy ? { proxy: proxyConfig(destination.proxy, label) } : {}),
      signal: abort.signal,
      responseType: 'text',
      transformResponse: (data: string) => data,
      validateStatus: () => true,
      maxContentLength: MAX_ANSWER_BYTES,
    });
    if (response.status >= 200 && response.status < 300) return { ok: true };
    const answer = brief(scrubUrl(String(response.data ?? ''), url));
    const error = new NotifyError('Http', `${label}: HTTP ${response.status}${answer ? `: ${answer}` : ''}`, { status: response.status });
    return { ok: false, error, retriable: response.status >= 500 };
  } catch (err) {
    if (err instanceof NotifyError) return { ok: false, error: err, retriable: false };
    if (abort.signal.aborted) return { ok: false, error: new NotifyError('Timeout', `${label}: no answer within ${timeoutMs / 1000}s`), retriable: false };
    // Only the error code: library messages may quote the address (and axios errors carry the request).
    const code = (err as { code?: unknown }).code;
    const reason = typeof code === 'string' ? code : 'request failed';
    return { ok: false, error: new NotifyError('Unreachable', `${label}: cannot connect (${reason})`), retriable: !isPermanent(reason) };
  } finally {
    clearTimeout(timer);
  }
}

/** axios' proxy option from a proxy URL (`http://user:pass@proxy:3128`). */
export function proxyConfig(raw: string, label: string): AxiosProxyConfig {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new NotifyError('Config', `${label}: proxy is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new NotifyError('Config', `${label}: proxy is not an http(s) URL`);
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  const auth = url.username ? { auth: { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } } : {};
  return { protocol: url.protocol.slice(0, -1), host: url.hostname, port, ...auth };
}

/** Certificate problems and malformed requests do not fix themselves between attempts. */
const isPermanent = (code: string): boolean => /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_INVALID/.test(code);

function brief(text: string): string {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  return trimmed.length > ANSWER_CHARS ? `${trimmed.slice(0, ANSWER_CHARS)}…` : trimmed;
}
