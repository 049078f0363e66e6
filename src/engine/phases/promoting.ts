import { type Ctx, done, elapsedMs, event, id, msUntilTick, notify, type Outcome, READINESS_POLL_MS } from '../context.js';
import { ALL_TO_CANARY, ALL_TO_PRIMARY, completePromotion, routeTo } from '../outcomes.js';
import { withPhase } from '../status.js';
import { restart } from './analysis.js';

/**
 * The primary is rolling out the promoted template. Traffic moves back to it only once it is ready
 * and runs the promoted revision; until then the canary keeps serving.
 */
export function promoting(ctx: Ctx): Outcome {
  const { primary } = ctx.obs;
  if (primary.revision !== ctx.status.lastAppliedSpec) {
    // The analysed template is gone from the target: it can no longer be promoted, analyse the new one.
    if (ctx.obs.target.revision !== ctx.status.lastAppliedSpec) return restart(ctx);
    // The promotion was decided but never reached the primary (a crash between act and status write).
    ctx.actions.push({ kind: 'promote' });
    return done(READINESS_POLL_MS);
  }
  const unready = primaryWait(ctx);
  if (unready) return unready;
  const step = ctx.settings.stepWeightPromotion;
  if (step <= 0 || ctx.status.fullPromotion) return toFinalising(ctx);
  const wait = msUntilTick(ctx);
  if (wait > 0) return done(wait);
  const primaryWeight = Math.min(100, (ctx.obs.routes?.primary ?? 0) + step);
  routeTo(ctx, { primary: primaryWeight, canary: 100 - primaryWeight, mirror: false });
  ctx.status = { ...ctx.status, canaryWeight: 100 - primaryWeight, lastStepTime: ctx.now.toISOString() };
  event(ctx, 'Normal', 'Advance', `Advance ${id(ctx)} primary weight ${primaryWeight}`);
  if (primaryWeight >= 100) ctx.status = withPhase(ctx.status, 'Finalising', ctx.now);
  return done(ctx.settings.intervalMs);
}

function toFinalising(ctx: Ctx): Outcome {
  routeTo(ctx, ALL_TO_PRIMARY);
  ctx.status = withPhase({ ...ctx.status, canaryWeight: 0, lastStepTime: ctx.now.toISOString() }, 'Finalising', ctx.now);
  event(ctx, 'Normal', 'RoutedToPrimary', `Routing all traffic of ${id(ctx)} to the primary`);
  return done(ctx.settings.intervalMs);
}

/** Finalising: one interval after traffic left the canary, scale it down, if the primary still serves. */
export function finalising(ctx: Ctx): Outcome {
  const unready = primaryWait(ctx);
  if (unready) return unready;
  routeTo(ctx, ALL_TO_PRIMARY);
  const wait = msUntilTick(ctx);
  if (wait > 0) return done(wait);
  return completePromotion(ctx);
}

function primaryWait(ctx: Ctx): Outcome | undefined {
  const { readiness } = ctx.obs.primary;
  if (readiness.ready) {
    if (!ctx.status.notReadySince) return undefined;
    const { notReadySince: _n, ...rest } = ctx.status;
    ctx.status = rest;
    return undefined;
  }
  const since = ctx.status.notReadySince ?? ctx.now.toISOString();
  const waited = elapsedMs(since, ctx.now);
  if (readiness.deadlineExceeded || waited >= ctx.settings.progressDeadlineMs) return promotionFailed(ctx, readiness.message);
  if (!ctx.status.notReadySince) event(ctx, 'Normal', 'WaitingForPrimary', `Waiting for ${ctx.canary.spec.targetRef.name}-primary rollout: ${readiness.message}`);
  ctx.status = { ...ctx.status, notReadySince: since };
  return done(Math.min(READINESS_POLL_MS, ctx.settings.progressDeadlineMs - waited));
}

/**
 * The analysed canary is healthy but the primary cannot take the new template: keep serving from the
 * canary (never from a primary that is not ready) and ask a human.
 */
function promotionFailed(ctx: Ctx, message: string): Outcome {
  if (ctx.obs.target.readiness.ready) routeTo(ctx, ALL_TO_CANARY);
  const reason = `promotion failed: ${ctx.canary.spec.targetRef.name}-primary is not ready: ${message}`;
  const { notReadySince: _n, gate: _g, ...rest } = ctx.status;
  ctx.status = withPhase({ ...rest, canaryWeight: ctx.obs.target.readiness.ready ? 100 : (ctx.status.canaryWeight ?? 0) }, 'Failed', ctx.now, reason);
  event(ctx, 'Warning', 'PromotionFailed', `${id(ctx)}: ${reason}`);
  notify(ctx, 'error', `Promotion of ${id(ctx)} failed: ${reason}; traffic stays on the canary`);
  return done(null);
}
