import type { Canary, CanaryStatus } from '../api/index.js';
import { mirrorAffinityCookies } from './affinity-cookies.js';
import { type Ctx, done, event, id, type Outcome } from './context.js';
import { analysing } from './phases/analysis.js';
import { idle, waiting } from './phases/idle.js';
import { initializing } from './phases/initializing.js';
import { finalising, promoting } from './phases/promoting.js';
import { terminating } from './phases/terminating.js';
import { answerRequest, endPauseWithRollout, refusePendingRequest } from './requests.js';
import { holdServingPods } from './serving-pods.js';
import { resolveSettings } from './settings.js';
import { settleWriteBack, writeBackDueInMs } from './write-back.js';
import { canaryId, getCondition, READY, setCondition } from './status.js';
import type { Action, AdvanceResult, Observation } from './types.js';

export const FINALIZER = 'pennant.dev/finalizer';
export const SUSPENDED = 'Suspended';
/** Reason of the Events that carry `pennant validate`'s warnings about an accepted Canary. */
export const VALIDATION_WARNING = 'ValidationWarning';

/**
 * The whole state machine: given a Canary, what was observed and the time, decide the next status and
 * the actions that get the world there. Pure. When it needs an answer that costs I/O (webhooks,
 * metric queries) it asks for it with `{ kind: 'evaluate' }` and is called again with the answer.
 */
export function advance(canary: Canary, obs: Observation, now: Date): AdvanceResult {
  if (obs.invalid) return reportInvalid(canary, obs.invalid, now);
  const ctx: Ctx = {
    canary,
    obs,
    now,
    settings: resolveSettings(canary, obs.router),
    status: { ...(canary.status ?? {}), observedGeneration: canary.metadata.generation },
    actions: [],
  };
  const outcome = decide(ctx);
  if (outcome.kind === 'evaluate') return outcome;
  endPauseWithRollout(ctx);
  ctx.actions.push(...validationWarnings(canary, obs.warnings));
  if (routingInPlace(ctx)) ctx.actions.unshift({ kind: 'ensureRouting' });
  mirrorAffinityCookies(ctx);
  if (!ctx.canary.spec.suspend) holdServingPods(ctx);
  return { kind: 'decision', status: ctx.status, actions: dedupe(ctx), requeueAfterMs: soonest(outcome.requeueAfterMs, writeBackDueInMs(ctx.status, now)) };
}

/**
 * A Canary whose spec cannot be used (or could not even be parsed): Ready=False with the message and
 * one Event per new message; nothing else is touched, so nothing is ever half-created.
 */
export function reportInvalid(
  canary: Pick<Canary, 'metadata' | 'status'>,
  message: string,
  now: Date,
  reason = 'InvalidSpec',
  warnings: readonly string[] = [],
): AdvanceResult {
  const answered = refusePendingRequest(canary, { ...(canary.status ?? {}), observedGeneration: canary.metadata.generation }, `the Canary cannot be acted on: ${message}`, now);
  const actions: Action[] = [...validationWarnings(canary, warnings), ...answered.actions];
  const parked = parkStatus(answered.status, reason, message, now);
  if (parked.changed) actions.push({ kind: 'event', type: 'Warning', reason, message: `${canaryId(canary as Canary)}: ${message}` });
  return { kind: 'decision', status: parked.status, actions, requeueAfterMs: null };
}

/**
 * One Warning Event per distinct validation warning, when the spec is new to us (its generation not
 * yet observed): every decision records observedGeneration, so the next one stays quiet.
 */
function validationWarnings(canary: Pick<Canary, 'metadata' | 'status'>, warnings: readonly string[] = []): Action[] {
  if (canary.status?.observedGeneration === canary.metadata.generation) return [];
  return [...new Set(warnings)].map((warning) => ({ kind: 'event', type: 'Warning', reason: VALIDATION_WARNING, message: `${canaryId(canary as Canary)}: ${warning}` }));
}

function parkStatus(status: CanaryStatus, reason: string, message: string, now: Date): { status: CanaryStatus; changed: boolean } {
  const before = getCondition(status, READY);
  const conditions = setCondition(status.conditions, { type: READY, status: 'False', reason, message }, now);
  return { status: { ...status, conditions }, changed: before?.status !== 'False' || before.message !== message };
}

function decide(ctx: Ctx): Outcome {
  if (ctx.obs.deleting) {
    refuseRequest(ctx, `${id(ctx)} is being deleted`);
    return ctx.canary.spec.revertOnDeletion ? terminating(ctx) : done(null);
  }
  manageFinalizer(ctx);
  if (ctx.canary.spec.suspend) {
    refuseRequest(ctx, `${id(ctx)} is suspended (spec.suspend): nothing changes until it is resumed`);
    return suspend(ctx);
  }
  if (!ctx.obs.target.exists) {
    const ref = ctx.canary.spec.targetRef;
    const message = `${ref.kind} ${ctx.canary.metadata.namespace ?? 'default'}/${ref.name} not found`;
    refuseRequest(ctx, message);
    return park(ctx, 'TargetNotFound', message);
  }
  markReady(ctx);
  // Before a pending write-back: `pennant retry` may withdraw the revert of the rollback it retries.
  const requested = answerRequest(ctx);
  if (requested) return requested;
  const writing = settleWriteBack(ctx);
  if (writing) return writing;
  const phase = ctx.status.phase ?? '';
  if (!ctx.status.lastPromotedSpec && phase !== 'Terminating' && phase !== 'Terminated') return initializing(ctx);
  switch (phase) {
    case '':
    case 'Initializing':
      return initializing(ctx);
    case 'Initialized':
    case 'Succeeded':
    case 'Failed':
      return idle(ctx);
    case 'Waiting':
      return waiting(ctx);
    case 'Progressing':
    case 'WaitingPromotion':
      return analysing(ctx);
    case 'Promoting':
      return promoting(ctx);
    case 'Finalising':
      return finalising(ctx);
    case 'Terminating':
    case 'Terminated':
      return terminating(ctx);
  }
}

function refuseRequest(ctx: Ctx, why: string): void {
  const answered = refusePendingRequest(ctx.canary, ctx.status, why, ctx.now);
  ctx.status = answered.status;
  ctx.actions.push(...answered.actions);
}

/** A missing target: say why in a condition and an Event, and touch nothing. */
function park(ctx: Ctx, reason: string, message: string): Outcome {
  const parked = parkStatus(ctx.status, reason, message, ctx.now);
  ctx.status = parked.status;
  if (parked.changed) event(ctx, 'Warning', reason, `${id(ctx)}: ${message}`);
  return done(null);
}

function markReady(ctx: Ctx): void {
  const conditions = setCondition(ctx.status.conditions, { type: READY, status: 'True', reason: 'Valid', message: 'spec is valid and its target exists' }, ctx.now);
  const withoutSuspended = conditions.filter((c) => c.type !== SUSPENDED);
  ctx.status = { ...ctx.status, conditions: withoutSuspended };
}

/** Flagger's suspend: nothing is touched, a run in progress is frozen where it is. */
function suspend(ctx: Ctx): Outcome {
  if (getCondition(ctx.status, SUSPENDED)?.status !== 'True') event(ctx, 'Normal', SUSPENDED, `${id(ctx)} is suspended, skipping`);
  ctx.status = { ...ctx.status, conditions: setCondition(ctx.status.conditions, { type: SUSPENDED, status: 'True', reason: 'Suspended', message: 'spec.suspend is true' }, ctx.now) };
  return done(null);
}

function manageFinalizer(ctx: Ctx): void {
  const has = (ctx.canary.metadata.finalizers ?? []).includes(FINALIZER);
  const wants = ctx.canary.spec.revertOnDeletion ?? false;
  if (wants && !has) ctx.actions.push({ kind: 'addFinalizer' });
  if (!wants && has) ctx.actions.push({ kind: 'removeFinalizer' });
}

/** Once the primary has been ready, the Services and router objects are kept as they should be. */
function routingInPlace(ctx: Ctx): boolean {
  if (ctx.obs.deleting || ctx.canary.spec.suspend || !ctx.obs.target.exists) return false;
  const phase = ctx.status.phase ?? '';
  return phase !== '' && phase !== 'Initializing' && phase !== 'Terminating' && phase !== 'Terminated' && !!ctx.status.lastPromotedSpec;
}

function soonest(a: number | null, b: number | undefined): number | null {
  if (b === undefined) return a;
  return a === null ? b : Math.min(a, b);
}

/** ensureRouting may be emitted by a phase and by the prelude; once is enough. */
function dedupe(ctx: Ctx) {
  let seen = false;
  return ctx.actions.filter((a) => {
    if (a.kind !== 'ensureRouting') return true;
    if (seen) return false;
    seen = true;
    return true;
  });
}
