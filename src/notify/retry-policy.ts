/**
 * When an alert delivery is tried again and how long it waits first. Pure, so every rule is a row in
 * a table test without waiting. Flagger makes one attempt; a chat service that is briefly down or
 * rate-limiting (Slack answers 429 with Retry-After) would lose the alert there.
 */

/** Why a delivery is tried again; the label of `pennant_alert_delivery_retries_total`. */
export type RetryReason = 'rate-limited' | 'server-error' | 'unreachable';

/** 429 is rate-limited, 5xx a server error; other statuses will not change by asking again. */
export function retryReasonOfStatus(status: number): RetryReason | undefined {
  if (status === 429) return 'rate-limited';
  return status >= 500 ? 'server-error' : undefined;
}

/**
 * Retry-After as milliseconds from `nowMs`: delay-seconds or an HTTP date (RFC 9110 §10.2.3). A date
 * in the past is 0; anything else unreadable is undefined (the backoff applies).
 */
export function parseRetryAfter(header: string | undefined, nowMs: number): number | undefined {
  const text = header?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1_000;
  // Date.parse takes more than IMF-fixdate; a weekday and a GMT zone keep it to the HTTP forms.
  if (!/^[A-Za-z]{3,9},? .*GMT$/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** The wait before retry number `retry` (0 for the first): the server's Retry-After up to `maxMs`, else base × 2^retry. */
export function retryDelayMs(retry: number, baseMs: number, maxMs: number, retryAfterMs?: number): number {
  return Math.min(retryAfterMs ?? baseMs * 2 ** retry, maxMs);
}
