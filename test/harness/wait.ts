export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Named in the timeout error. */
  what?: string;
}

/**
 * For vi.waitFor on I/O (HTTP, git, informers, timers of a running stack): vitest's own default is
 * 1 s, which a loaded machine overruns. Generous, because a bound only costs time when something is wrong.
 */
export const IO_WAIT = { timeout: 30_000, interval: 20 } as const;

/** waitUntil's bound when the caller gives none. */
export const DEFAULT_WAIT_MS = 60_000;

/** Polls `probe` until it returns something other than undefined/false; its last error is in the timeout's message. */
export async function waitUntil<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, options: WaitOptions = {}): Promise<T> {
  const { timeoutMs = DEFAULT_WAIT_MS, intervalMs = 100, what = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
