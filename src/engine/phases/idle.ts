import type { Phase } from '../../api/index.js';
import {
  type Ctx, done, elapsedMs, event, hookResults, id, metadataFields, need, notify, type Outcome,
  stepTime, targetChanged, targetIsPromoted, targetRevisionKey,
} from '../context.js';
import { ALL_TO_PRIMARY, freshRun, promoteWithoutAnalysis, rollback, routeTo, scaleCanary } from '../outcomes.js';
import { describeRouting, gateDeadlineMs } from '../settings.js';
import { withPhase } from '../status.js';
import { closeGate, openGate } from './gates.js';
import { promoting } from './promoting.js';

/** Queued canaries look for a free slot at least this often (slots also wake them when freed). */
const QUEUE_POLL_MS = 30_000;

/** Initialized, Succeeded, Failed: nothing runs until the target's revision changes. */
export function idle(ctx: Ctx): Outcome {
  if (ctx.status.phase === 'Failed' && (ctx.status.canaryWeight ?? 0) > 0) return afterFailedPromotion(ctx);
  keepTrafficOnPrimary(ctx);
  if (!targetChanged(ctx)) return done(null);
  if (targetIsPromoted(ctx)) return acceptPromotedRevision(ctx);
  return startRollout(ctx);
}

/**
 * A promotion failed with traffic left on the canary: nothing new may start until the primary is
 * ready with the promoted template, and then the promotion resumes where it stopped.
 */
function afterFailedPromotion(ctx: Ctx): Outcome {
  const { primary } = ctx.obs;
  if (primary.revision !== ctx.status.lastAppliedSpec || !primary.readiness.ready) return holdNewRevision(ctx);
  const { heldRevision: _held, ...rest } = ctx.status;
  ctx.status = withPhase(rest, 'Promoting', ctx.now, 'the primary is ready, resuming the promotion');
  event(ctx, 'Normal', 'PromotionResumed', `${id(ctx)}: the primary is ready, resuming the promotion`);
  return promoting(ctx);
}

/**
 * The canary's pods serve every user while the primary cannot: they stay as they are (the target is
 * paused, serving-pods.ts), and a new revision waits to be analysed until a primary is ready.
 */
function holdNewRevision(ctx: Ctx): Outcome {
  const { revision } = ctx.obs.target;
  if (revision === undefined || revision === ctx.status.lastAppliedSpec || revision === ctx.status.heldRevision) return done(null);
  ctx.status = { ...ctx.status, heldRevision: revision };
  event(ctx, 'Warning', 'RevisionHeld', `${id(ctx)}: a new revision of ${ctx.canary.spec.targetRef.name} waits: its pods serve all traffic since the promotion failed, and it is analysed once ${ctx.canary.spec.targetRef.name}-primary is ready`);
  return done(null);
}

/**
 * At rest every request goes to the primary. Routes that say otherwise were changed by someone else
 * (a Service selector reset by hand or by a GitOps tool): with the canary scaled to zero that traffic
 * would be lost, so it is put back.
 */
function keepTrafficOnPrimary(ctx: Ctx): void {
  const { routes } = ctx.obs;
  if (!routes || (routes.canary === 0 && routes.primary === 100)) return;
  routeTo(ctx, ALL_TO_PRIMARY);
  event(ctx, 'Warning', 'RoutesRepaired', `${id(ctx)}: routing sent ${routes.canary}% to the canary, which is not being analysed; all traffic back to the primary`);
}

/** Waiting: for confirm-rollout, or for a free analysis slot. */
export function waiting(ctx: Ctx): Outcome {
  keepTrafficOnPrimary(ctx);
  if (targetIsPromoted(ctx)) return acceptPromotedRevision(ctx, restingPhase(ctx));
  return startRollout(ctx);
}

/** The phase to return to when a waiting rollout is abandoned: what the primary's revision earned. */
function restingPhase(ctx: Ctx): Phase {
  return (ctx.status.promotedRevisions?.length ?? 0) > 1 ? 'Succeeded' : 'Initialized';
}

/**
 * The target is back at the promoted revision (a manual revert, or Pennant's own revert in Git):
 * nothing to analyse, and the canary stays at zero.
 */
function acceptPromotedRevision(ctx: Ctx, phase?: Phase): Outcome {
  const { target } = ctx.obs;
  const { gate: _gate, queuedSince: _queued, ...rest } = ctx.status;
  ctx.status = { ...rest, lastAppliedSpec: target.revision, trackedConfigs: target.trackedConfigs ?? {} };
  if (phase) ctx.status = withPhase(ctx.status, phase, ctx.now);
  scaleCanary(ctx, 0);
  event(ctx, 'Normal', 'RevisionUnchanged', `${id(ctx)} is back at the promoted revision, nothing to analyse`);
  return done(null);
}

/** A new revision (or `pennant retry` of a failed one): rollbackWindow, skipAnalysis, confirm-rollout, a slot, then the analysis. */
export function startRollout(ctx: Ctx): Outcome {
  const key = targetRevisionKey(ctx);
  const window = (ctx.status.promotedRevisions ?? []).slice(1, ctx.settings.rollbackWindow + 1);
  if (window.includes(key)) return promoteWithoutAnalysis(ctx, 'rollbackWindow: a recently promoted revision');
  if (ctx.settings.skipAnalysis) return promoteWithoutAnalysis(ctx, 'skipAnalysis');

  const confirmations = hookResults(ctx, 'confirm-rollout');
  if (confirmations === undefined) return need('confirm-rollout');
  const refused = confirmations.find((r) => !r.ok);
  if (refused) return holdAtConfirmRollout(ctx, refused.name);
  if (!ctx.obs.analysisSlot) return queue(ctx);
  return beginAnalysis(ctx);
}

function holdAtConfirmRollout(ctx: Ctx, hookName: string): Outcome {
  const deadline = gateDeadlineMs(ctx.canary, 'confirm-rollout');
  const since = ctx.status.gate?.type === 'confirm-rollout' ? ctx.status.gate.since : undefined;
  if (deadline !== undefined && since && elapsedMs(since, ctx.now) >= deadline) {
    const { gate: _gate, ...rest } = ctx.status;
    ctx.status = { ...rest, lastAppliedSpec: ctx.obs.target.revision, trackedConfigs: ctx.obs.target.trackedConfigs ?? {} };
    return rollback(ctx, `confirm-rollout ${hookName} was not approved within its deadline`, 'warn');
  }
  closeGate(ctx, 'confirm-rollout', hookName);
  ctx.status = withPhase(ctx.status, 'Waiting', ctx.now, `waiting for approval by ${hookName}`);
  return done(ctx.settings.intervalMs);
}

function queue(ctx: Ctx): Outcome {
  const first = !ctx.status.queuedSince;
  ctx.status = withPhase(
    { ...ctx.status, queuedSince: ctx.status.queuedSince ?? ctx.now.toISOString() },
    'Waiting',
    ctx.now,
    'queued: the maximum number of concurrent analyses is running',
  );
  if (first) event(ctx, 'Normal', 'Queued', `${id(ctx)} is queued: the maximum number of concurrent analyses is running`);
  return done(QUEUE_POLL_MS);
}

function beginAnalysis(ctx: Ctx): Outcome {
  const { target } = ctx.obs;
  openGate(ctx);
  ctx.status = withPhase(
    { ...freshRun(ctx.status), lastAppliedSpec: target.revision, trackedConfigs: target.trackedConfigs ?? {}, lastStepTime: stepTime(ctx) },
    'Progressing',
    ctx.now,
  );
  scaleCanary(ctx, ctx.obs.canaryReplicasWhenUp);
  event(ctx, 'Normal', 'NewRevision', `New revision detected! Scaling up ${ctx.canary.spec.targetRef.name}.${ctx.canary.metadata.namespace ?? 'default'}`);
  for (const adjustment of ctx.settings.adjustments) event(ctx, 'Warning', 'StrategyAdjusted', `${id(ctx)}: ${adjustment}`);
  notify(ctx, 'info', 'New revision detected, progressing canary analysis.', metadataFields(ctx, describeRouting(ctx.canary, ctx.settings)));
  return done(ctx.settings.intervalMs);
}

