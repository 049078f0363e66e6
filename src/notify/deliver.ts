import { setTimeout as delay } from 'node:timers/promises';
import axios, { type AxiosProxyConfig } from 'axios';
import { scrubUrl } from '../webhooks/url.js';
import { NotifyError } from './errors.js';
import { parseRetryAfter, type RetryReason, retryDelayMs, retryReasonOfStatus } from './retry-policy.js';
import type { Destination } from './types.js';

export interface DeliveryOptions {
  /** Per attempt; Flagger's is 5 s. */
  timeoutMs?: number;
  /** Wait before the first retry; doubled for each next one. */
  retryDelayMs?: number;
  /** Attempts after the first, on connection errors, 429 and 5xx. */
  retries?: number;
  /** The longest Retry-After honoured; a server asking for more is not asked again. */
  maxRetryAfterMs?: number;
  /** Every attempt and wait together never take longer than this. */
  budgetMs?: number;
  /** Told before each retry (the controller counts them). */
  onRetry?: (reason: RetryReason) => void;
  /** The controller's shutdown: no more waiting for a retry, the delivery fails with the last error. */
  signal?: AbortSignal;
}

export const DELIVERY_DEFAULTS: Required<Omit<DeliveryOptions, 'onRetry' | 'signal'>> = {
  timeoutMs: 5_000, retryDelayMs: 500, retries: 3, maxRetryAfterMs: 60_000, budgetMs: 90_000,
};

const MAX_ANSWER_BYTES = 64 * 1024;
const ANSWER_CHARS = 200;

type Attempt = { ok: true } | { ok: false; error: NotifyError; retry?: RetryReason; retryAfterMs?: number };

/**
 * POSTs `body` as JSON. A 2xx answer is success; anything else is a NotifyError naming the
 * destination by its label, never by its URL. Flagger makes one attempt; we retry connection errors,
 * 429 and 5xx answers with backoff, after the server's Retry-After when it sends one (a timeout is
 * not retried: the message may have arrived, and the budget would be gone). Runs on the report
 * queue, never on a reconcile worker, so the waits hold up no decision.
 */
export async function deliver(destination: Destination, url: string, body: unknown, options: DeliveryOptions = {}): Promise<void> {
  const settings = { ...DELIVERY_DEFAULTS, ...options };
  const started = Date.now();
  for (let retry = 0; ; retry++) {
    const left = settings.budgetMs - (Date.now() - started);
    const result = await attempt(destination, url, body, Math.min(settings.timeoutMs, left));
    if (result.ok) return;
    const next = nextAttempt(result, retry, settings, Date.now() - started);
    if (typeof next === 'string') throw finalError(result.error, retry + 1, next);
    const waited = await delay(next.waitMs, true, { signal: options.signal }).catch(() => false);
    if (!waited) throw finalError(result.error, retry + 1, 'not retried: shutting down');
    options.onRetry?.(next.reason);
  }
}

/** The retry after a failed attempt and its wait, or why there is none ('' when the error says enough). */
function nextAttempt(failed: Attempt & { ok: false }, retry: number, settings: typeof DELIVERY_DEFAULTS, elapsedMs: number): { reason: RetryReason; waitMs: number } | string {
  if (failed.retry === undefined || retry >= settings.retries) return '';
  if (failed.retryAfterMs !== undefined && failed.retryAfterMs > settings.maxRetryAfterMs) {
    return `Retry-After ${Math.ceil(failed.retryAfterMs / 1000)}s is over the ${settings.maxRetryAfterMs / 1000}s limit`;
  }
  const waitMs = retryDelayMs(retry, settings.retryDelayMs, settings.maxRetryAfterMs, failed.retryAfterMs);
  return settings.budgetMs - elapsedMs - waitMs <= 0 ? '' : { reason: failed.retry, waitMs };
}

function finalError(error: NotifyError, attempts: number, reason: string): NotifyError {
  const notes = [...(attempts > 1 ? [`after ${attempts} attempts`] : []), ...(reason ? [reason] : [])];
  if (notes.length === 0) return error;
  return new NotifyError(error.code, `${error.message} (${notes.join('; ')})`, { ...(error.status === undefined ? {} : { status: error.status }) });
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
    const retry = retryReasonOfStatus(response.status);
    const retryAfterMs = parseRetryAfter(headerText(response.headers['retry-after']), Date.now());
    return { ok: false, error, ...(retry ? { retry } : {}), ...(retry && retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  } catch (err) {
    if (err instanceof NotifyError) return { ok: false, error: err };
    if (abort.signal.aborted) return { ok: false, error: new NotifyError('Timeout', `${label}: no answer within ${timeoutMs / 1000}s`) };
    // Only the error code: library messages may quote the address (and axios errors carry the request).
    const code = (err as { code?: unknown }).code;
    const reason = typeof code === 'string' ? code : 'request failed';
    const error = new NotifyError('Unreachable', `${label}: cannot connect (${reason})`);
    return isPermanent(reason) ? { ok: false, error } : { ok: false, error, retry: 'unreachable' };
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

const headerText = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function brief(text: string): string {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  return trimmed.length > ANSWER_CHARS ? `${trimmed.slice(0, ANSWER_CHARS)}…` : trimmed;
}
