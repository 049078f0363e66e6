/**
 * When to retry a webhook call and how long to wait: the default policy of go-retryablehttp, which
 * Flagger uses. Pure, so the rules are testable without waiting.
 */

/** What one attempt produced. */
export type AttemptOutcome =
  | { kind: 'response'; status: number; body: string; retryAfterMs?: number }
  | { kind: 'error'; message: string; retriable: boolean };

/** Flagger's rule: only 200, 201 and 202 pass (the docs say 2xx; 203–299 fail in its code). */
export const isSuccessStatus = (status: number): boolean => status === 200 || status === 201 || status === 202;

/** Connection errors, 429 and 5xx except 501 (Not Implemented will not change by asking again). */
export function shouldRetry(outcome: AttemptOutcome): boolean {
  if (outcome.kind === 'error') return outcome.retriable;
  return outcome.status === 429 || (outcome.status >= 500 && outcome.status !== 501);
}

export const DEFAULT_BACKOFF_BASE_MS = 1_000;
/** The cap is 30× the base: 1 s → 30 s as in go-retryablehttp, and proportionally smaller in tests. */
const CAP_FACTOR = 30;

/** Delay before retry number `attempt + 1`: base × 2^attempt, capped; a server's Retry-After wins up to the cap. */
export function backoffMs(attempt: number, baseMs: number, retryAfterMs?: number): number {
  const cap = baseMs * CAP_FACTOR;
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, cap);
  return Math.min(baseMs * 2 ** attempt, cap);
}

/** Retry-After in seconds, honoured (like go-retryablehttp) only on 429 and 503. Dates are ignored. */
export function retryAfterMs(status: number, header: string | undefined): number | undefined {
  if ((status !== 429 && status !== 503) || header === undefined || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim()) * 1_000;
}
