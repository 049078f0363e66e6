import type { Canary } from '../api/index.js';
import { type Ctx, done, event, id, type Outcome } from './context.js';
import { analysing } from './phases/analysis.js';
import { idle, waiting } from './phases/idle.js';
import { initializing } from './phases/initializing.js';
import { finalising, promoting } from './phases/promoting.js';
import { terminating } from './phases/terminating.js';
import { resolveSettings } from './settings.js';
import { getCondition, READY, setCondition } from './status.js';
import type { AdvanceResult, Observation } from './types.js';

export const FINALIZER = 'pennant.dev/finalizer';
export const SUSPENDED = 'Suspended';

/**
 * The whole state machine: given a Canary, what was observed and the time, decide the next status and
 * the actions that get the world there. Pure. When it needs an answer that costs I/O (webhooks,
 * metric queries) it asks for it with `{ kind: 'evaluate' }` and is called again with the answer.
 */
export function advance(canary: Canary, obs: Observation, now: Date): AdvanceResult {
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
  if (routingInPlace(ctx)) ctx.actions.unshift({ kind: 'ensureRouting' });
  return { kind: 'decision', status: ctx.status, actions: dedupe(ctx), requeueAfterMs: outcome.requeueAfterMs };
}

function decide(ctx: Ctx): Outcome {
  if (ctx.obs.invalid) return park(ctx, 'InvalidSpec', ctx.obs.invalid);
  if (ctx.obs.deleting) return ctx.canary.spec.revertOnDeletion ? terminating(ctx) : done(null);
  manageFinalizer(ctx);
  if (ctx.canary.spec.suspend) return suspend(ctx);
  if (!ctx.obs.target.exists) {
    const ref = ctx.canary.spec.targetRef;
    return park(ctx, 'TargetNotFound', `${ref.kind} ${ctx.canary.metadata.namespace ?? 'default'}/${ref.name} not found`);
  }
  markReady(ctx);
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

/** Invalid spec or missing target: say why in a condition and an Event, and touch nothing. */
function park(ctx: Ctx, reason: string, message: string): Outcome {
  const before = getCondition(ctx.status, READY);
  ctx.status = { ...ctx.status, conditions: setCondition(ctx.status.conditions, { type: READY, status: 'False', reason, message }, ctx.now) };
  if (before?.status !== 'False' || before.message !== message) event(ctx, 'Warning', reason, `${id(ctx)}: ${message}`);
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
  if (ctx.obs.invalid || ctx.obs.deleting || ctx.canary.spec.suspend || !ctx.obs.target.exists) return false;
  const phase = ctx.status.phase ?? '';
  return phase !== '' && phase !== 'Initializing' && phase !== 'Terminating' && phase !== 'Terminated' && !!ctx.status.lastPromotedSpec;
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
