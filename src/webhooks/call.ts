import type http from 'node:http';
import https from 'node:https';
import { setTimeout as delay } from 'node:timers/promises';
import axios from 'axios';
import type { CanaryWebhook, HookType } from '../api/index.js';
import type { HookResult } from '../engine/types.js';
import { deadline } from '../util/deadline.js';
import { formatSeconds, parseDuration } from './duration.js';
import { requestBody, type WebhookPayload } from './payload.js';
import {
  DEFAULT_BACKOFF_BASE_MS, backoffMs, isSuccessStatus, retryAfterMs, shouldRetry, type AttemptOutcome,
} from './retry.js';
import { describeServer, scrubUrl } from './url.js';

export interface CallWebhookOptions {
  signal: AbortSignal;
  httpAgent?: http.Agent;
  httpsAgent?: https.Agent;
  /** First retry delay in ms (default 1000); doubles per retry up to 30× the base. */
  backoffBaseMs?: number;
  /** Sent as `Idempotency-Key`, the same on every attempt: a receiver can tell a repeat from a new call. */
  idempotencyKey?: string;
}

export const DEFAULT_HOOK_TIMEOUT_MS = 10_000;
const MESSAGE_CHARS = 500;
const MAX_BODY_BYTES = 1024 * 1024;

let insecureAgent: https.Agent | undefined;

/**
 * POSTs the payload to the hook and reports whether it passed (HTTP 200, 201 or 202). Never throws.
 * Each attempt has the hook's timeout; `retries` extra attempts follow connection errors, 429 and 5xx.
 */
export async function callWebhook(hook: CanaryWebhook, payload: WebhookPayload, options: CallWebhookOptions): Promise<HookResult> {
  const type = hookType(hook);
  const timeoutMs = hookTimeoutMs(hook.timeout);
  if (timeoutMs === undefined) return { name: hook.name, type, ok: false, message: `invalid timeout "${hook.timeout}"` };
  if (!isHttpUrl(hook.url)) return { name: hook.name, type, ok: false, message: 'url is not a valid http(s) URL' };
  const body = requestBody(payload, hook.metadata);
  const attempts = (hook.retries ?? 0) + 1;
  const base = options.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS;
  for (let attempt = 0; ; attempt++) {
    const outcome = await attemptOnce(hook, body, timeoutMs, options);
    const done = attempt + 1 >= attempts || !shouldRetry(outcome) || options.signal.aborted;
    if ((outcome.kind === 'response' && isSuccessStatus(outcome.status)) || done) {
      return toResult(hook.name, type, outcome, attempt + 1);
    }
    const wait = backoffMs(attempt, base, outcome.kind === 'response' ? outcome.retryAfterMs : undefined);
    await delay(wait, undefined, { signal: options.signal }).catch(() => undefined);
  }
}

async function attemptOnce(hook: CanaryWebhook, body: string, timeoutMs: number, options: CallWebhookOptions): Promise<AttemptOutcome> {
  const limit = deadline(options.signal, timeoutMs);
  try {
    const response = await axios.post<string>(hook.url, body, {
      headers: { 'Content-Type': 'application/json', ...(options.idempotencyKey ? { 'Idempotency-Key': options.idempotencyKey } : {}) },
      signal: limit.signal,
      httpAgent: options.httpAgent,
      httpsAgent: hook.disableTLS ? (insecureAgent ??= new https.Agent({ rejectUnauthorized: false })) : options.httpsAgent,
      responseType: 'text',
      transformResponse: (data: string) => data,
      validateStatus: () => true,
      maxContentLength: MAX_BODY_BYTES,
    });
    const retryAfter = retryAfterMs(response.status, headerValue(response.headers['retry-after']));
    return { kind: 'response', status: response.status, body: String(response.data ?? ''), retryAfterMs: retryAfter };
  } catch (err) {
    if (options.signal.aborted) return { kind: 'error', message: 'cancelled', retriable: false };
    const server = describeServer(hook.url);
    if (limit.timedOut()) return { kind: 'error', message: `${server} timed out after ${formatSeconds(timeoutMs)}`, retriable: true };
    const detail = scrubUrl(err instanceof Error ? err.message : String(err), hook.url);
    return { kind: 'error', message: `POST to ${server} failed: ${detail}`, retriable: !isPermanent(err) };
  } finally {
    limit.dispose();
  }
}

function toResult(name: string, type: HookType, outcome: AttemptOutcome, attempts: number): HookResult {
  const note = attempts > 1 ? ` (after ${attempts} attempts)` : '';
  if (outcome.kind === 'error') return { name, type, ok: false, message: outcome.message + note };
  const ok = isSuccessStatus(outcome.status);
  const text = trimMessage(outcome.body);
  const message = ok ? text : (text || `HTTP ${outcome.status}`) + note;
  return { name, type, ok, status: outcome.status, ...(message !== '' && { message }) };
}

/** "" and a missing type mean `rollout`. */
export const hookType = (hook: CanaryWebhook): HookType => (hook.type === undefined || hook.type === '' ? 'rollout' : hook.type);

/** Like Flagger, a missing or too-short (< 2 characters) timeout means 10 s. */
function hookTimeoutMs(timeout: string | undefined): number | undefined {
  if (timeout === undefined || timeout.length < 2) return DEFAULT_HOOK_TIMEOUT_MS;
  const ms = parseDuration(timeout);
  return ms !== undefined && ms > 0 ? ms : undefined;
}

function isHttpUrl(raw: string): boolean {
  try {
    const { protocol } = new URL(raw);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** Certificate problems do not fix themselves between attempts (go-retryablehttp does not retry them either). */
function isPermanent(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code) || code === 'ERR_INVALID_URL');
}

const headerValue = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function trimMessage(body: string): string {
  const text = body.trim();
  return text.length > MESSAGE_CHARS ? `${text.slice(0, MESSAGE_CHARS)}…` : text;
}
