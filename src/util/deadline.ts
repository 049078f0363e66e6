export interface Deadline {
  /** Aborts when the caller's signal does, or when the time is up. */
  signal: AbortSignal;
  timedOut(): boolean;
  /** Stops the timer and detaches from the caller's signal; call it when the operation is over. */
  dispose(): void;
}

/**
 * Not `AbortSignal.any([parent, AbortSignal.timeout(ms)])`: with a long-lived parent (the controller's
 * shutdown signal) every combined signal stays attached to it, which leaks on Node 20 (nodejs/node#55351).
 */
export function deadline(parent: AbortSignal, ms: number): Deadline {
  const controller = new AbortController();
  let expired = false;
  const onAbort = (): void => controller.abort(parent.reason);
  if (parent.aborted) onAbort();
  else parent.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new Error(`timed out after ${ms}ms`));
  }, ms);
  return {
    signal: controller.signal,
    timedOut: () => expired,
    dispose: () => {
      clearTimeout(timer);
      parent.removeEventListener('abort', onAbort);
    },
  };
}
