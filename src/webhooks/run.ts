import type { Canary, CanaryWebhook, HookType, Phase } from '../api/index.js';
import type { HookResult } from '../engine/types.js';
import { hookType } from './call.js';
import { buildEventPayload, buildPayload, type EventType, type WebhookPayload } from './payload.js';

/** Per call: the Idempotency-Key header, the same for every attempt of one decision's call. */
export interface HookCallOptions {
  idempotencyKey?: string;
}

/** Calls one hook; usually `(hook, payload, call) => callWebhook(hook, payload, { signal, ...call })`. */
export type HookCaller = (hook: CanaryWebhook, payload: WebhookPayload, options?: HookCallOptions) => Promise<HookResult>;

/** Types whose hooks stop at the first failure: the rest would test a canary already known bad. */
const STOP_AT_FIRST_FAILURE: ReadonlySet<HookType> = new Set(['rollout', 'pre-rollout']);

/**
 * Runs the Canary's hooks of one type in list order. rollout and pre-rollout stop at the first
 * failure; every other type (confirm-* gates, post-rollout, rollback) calls them all and returns every
 * result for the engine to decide. Never throws.
 */
export async function runHooks(
  canary: Canary,
  type: Exclude<HookType, 'event'>,
  phase: Phase | '',
  call: HookCaller,
  keyFor?: (hook: CanaryWebhook) => string,
): Promise<HookResult[]> {
  return runInOrder(hooksOfType(canary, type), buildPayload(canary, phase), call, STOP_AT_FIRST_FAILURE.has(type), keyFor);
}

/** Sends one Kubernetes event to every `event` hook of the Canary. Never throws. */
export async function runEventHooks(
  canary: Canary,
  event: { type: EventType; message: string },
  now: Date,
  call: HookCaller,
): Promise<HookResult[]> {
  const payload = buildEventPayload(canary, event.type, event.message, now);
  return runInOrder(hooksOfType(canary, 'event'), payload, call, false);
}

export const hooksOfType = (canary: Canary, type: HookType): CanaryWebhook[] =>
  (canary.spec.analysis.webhooks ?? []).filter((hook) => hookType(hook) === type);

async function runInOrder(
  hooks: CanaryWebhook[],
  payload: WebhookPayload,
  call: HookCaller,
  stopAtFailure: boolean,
  keyFor?: (hook: CanaryWebhook) => string,
): Promise<HookResult[]> {
  const results: HookResult[] = [];
  for (const hook of hooks) {
    const result = await call(hook, payload, keyFor ? { idempotencyKey: keyFor(hook) } : {}).catch(
      (err: unknown): HookResult => ({
        name: hook.name,
        type: hookType(hook),
        ok: false,
        message: err instanceof Error ? err.message : String(err),
      }),
    );
    results.push(result);
    if (stopAtFailure && !result.ok) break;
  }
  return results;
}
