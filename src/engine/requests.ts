import { type Canary, type CanaryStatus, type OperatorRequest, readRequest, type RequestOutcome, type Verb } from '../api/index.js';
import type { Ctx, Outcome } from './context.js';
import { decideRequest } from './phases/requests.js';
import { canaryId, isPaused, PAUSED, setCondition } from './status.js';
import type { Action } from './types.js';

/** Reasons of the Events that acknowledge a request. */
export const REQUEST_DONE = 'RequestDone';
export const REQUEST_REFUSED = 'RequestRefused';
/** `status.lastRequest.id` of an annotation that could not be read (it has no id of its own). */
export const UNREADABLE_REQUEST = 'unreadable';

type Pending = { kind: 'request'; request: OperatorRequest } | { kind: 'invalid'; message: string };

/** The request of the Canary's annotation that has not been answered yet, if any. */
function pendingRequest(canary: Pick<Canary, 'metadata'>, status: CanaryStatus): Pending | undefined {
  const read = readRequest(canary.metadata.annotations);
  const last = status.lastRequest;
  if (read.kind === 'none') return undefined;
  if (read.kind === 'invalid') {
    const message = `${read.message}; write requests with pennant promote, abort, pause, resume or retry`;
    return last?.id === UNREADABLE_REQUEST && last.message === message ? undefined : { kind: 'invalid', message };
  }
  return last?.id === read.request.id ? undefined : read;
}

/**
 * Answers the Canary's pending request, if any, before the phase's own rules. A verb is tried on a
 * copy of the decision: refused, it leaves no trace but the acknowledgement, and the decision goes
 * on as if nothing had been asked. Done, its status and actions are kept; when it decided the
 * step itself (promote, abort, retry) that is the outcome, otherwise (pause, resume) the phase's
 * rules run on the new status. An evaluation it needs is asked for, and it is tried again with it.
 */
export function answerRequest(ctx: Ctx): Outcome | undefined {
  const pending = pendingRequest(ctx.canary, ctx.status);
  if (!pending) return undefined;
  if (pending.kind === 'invalid') {
    record(ctx, acknowledgement(ctx.canary, ctx.status, undefined, 'refused', pending.message, ctx.now));
    return undefined;
  }
  const trial: Ctx = { ...ctx, actions: [] };
  const verdict = decideRequest(trial, pending.request);
  if (verdict.kind === 'evaluate') return verdict.outcome;
  if (verdict.kind === 'refused') {
    record(ctx, acknowledgement(ctx.canary, ctx.status, pending.request, 'refused', verdict.message, ctx.now));
    return undefined;
  }
  ctx.status = trial.status;
  ctx.actions.push(...trial.actions);
  record(ctx, acknowledgement(ctx.canary, ctx.status, pending.request, 'done', verdict.message, ctx.now));
  return verdict.outcome;
}

/** A Canary that cannot act on anything now (invalid spec, suspended, being deleted): the request is refused. */
export function refusePendingRequest(canary: Pick<Canary, 'metadata'>, status: CanaryStatus, why: string, now: Date): { status: CanaryStatus; actions: Action[] } {
  const pending = pendingRequest(canary, status);
  if (!pending) return { status, actions: [] };
  const request = pending.kind === 'request' ? pending.request : undefined;
  const message = pending.kind === 'request' ? why : pending.message;
  return acknowledgement(canary, status, request, 'refused', message, now);
}

function record(ctx: Ctx, ack: { status: CanaryStatus; actions: Action[] }): void {
  ctx.status = ack.status;
  ctx.actions.push(...ack.actions);
}

const VERB_NAMES: Record<Verb, string> = {
  promote: 'promote', 'promote-full': 'promote --full', abort: 'abort', pause: 'pause', resume: 'resume', retry: 'retry',
};

/** status.lastRequest and one Event: what was asked, by whom, and what came of it. */
function acknowledgement(
  canary: Pick<Canary, 'metadata'>,
  status: CanaryStatus,
  request: OperatorRequest | undefined,
  outcome: RequestOutcome,
  message: string,
  now: Date,
): { status: CanaryStatus; actions: Action[] } {
  const lastRequest = {
    id: request?.id ?? UNREADABLE_REQUEST,
    ...(request ? { verb: request.verb } : {}),
    ...(request?.by ? { by: request.by } : {}),
    outcome,
    message,
    time: now.toISOString(),
  };
  const asked = request ? `${VERB_NAMES[request.verb]}${request.by ? ` by ${request.by}` : ''}` : 'request';
  const who = canaryId(canary as Canary);
  const event: Action = outcome === 'done'
    ? { kind: 'event', type: 'Normal', reason: REQUEST_DONE, message: `${who}: ${asked}: ${message}` }
    : { kind: 'event', type: 'Warning', reason: REQUEST_REFUSED, message: `${who}: ${asked} refused: ${message}` };
  return { status: { ...status, lastRequest }, actions: [event] };
}

const HOLDS_A_PAUSE: ReadonlySet<string> = new Set(['Progressing', 'WaitingPromotion']);

/** A pause holds one rollout: once it ends (promoted, rolled back, abandoned) the Paused condition goes False. */
export function endPauseWithRollout(ctx: Ctx): void {
  if (!isPaused(ctx.status) || HOLDS_A_PAUSE.has(ctx.status.phase ?? '')) return;
  const message = `the rollout ended (${ctx.status.phase ?? 'no phase'}); the next one is not paused`;
  ctx.status = { ...ctx.status, conditions: setCondition(ctx.status.conditions, { type: PAUSED, status: 'False', reason: 'RolloutEnded', message }, ctx.now) };
}
