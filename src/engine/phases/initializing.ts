import { type Ctx, done, elapsedMs, event, id, metadataFields, notify, type Outcome, READINESS_POLL_MS, targetRevisionKey } from '../context.js';
import { scaleCanary } from '../outcomes.js';
import { describeRouting } from '../settings.js';
import { withPhase } from '../status.js';

/**
 * Creates the primary from the target, waits until it is ready, and only then lets the routing
 * point at it and scales the target to zero: an apex Service never selects pods that cannot serve.
 */
export function initializing(ctx: Ctx): Outcome {
  const { primary, target } = ctx.obs;
  if (!primary.exists) {
    ctx.actions.push({ kind: 'createPrimary' });
    if (ctx.status.phase !== 'Initializing') event(ctx, 'Normal', 'Initializing', `Creating ${ctx.canary.spec.targetRef.name}-primary for ${id(ctx)}`);
    ctx.status = withPhase(ctx.status, 'Initializing', ctx.now);
    return done(READINESS_POLL_MS);
  }
  if (!primary.readiness.ready) return waitForPrimary(ctx, primary.readiness.message, primary.readiness.deadlineExceeded);
  const { notReadySince: _notReady, ...rest } = ctx.status;
  ctx.actions.push({ kind: 'ensureRouting' });
  scaleCanary(ctx, 0);
  ctx.status = withPhase(
    {
      ...rest,
      canaryWeight: 0,
      failedChecks: 0,
      iterations: 0,
      lastAppliedSpec: target.revision,
      lastPromotedSpec: target.revision,
      trackedConfigs: target.trackedConfigs ?? {},
      promotedRevisions: [targetRevisionKey(ctx)],
    },
    'Initialized',
    ctx.now,
  );
  event(ctx, 'Normal', 'Initialized', `Initialization done! ${id(ctx)}`);
  notify(ctx, 'info', `New ${ctx.canary.spec.targetRef.kind} detected, initialization completed.`, metadataFields(ctx, describeRouting(ctx.canary, ctx.settings)));
  return done(null);
}

function waitForPrimary(ctx: Ctx, message: string, deadlineExceeded: boolean): Outcome {
  const since = ctx.status.notReadySince ?? ctx.now.toISOString();
  if (deadlineExceeded || elapsedMs(since, ctx.now) >= ctx.settings.progressDeadlineMs) {
    // notReadySince stays: while the primary stays unready the Canary stays Failed without new alerts,
    // and the watch on the primary brings it back here the moment it becomes ready.
    const reason = `primary ${ctx.canary.spec.targetRef.name}-primary did not become ready: ${message}`;
    if (ctx.status.phase !== 'Failed') {
      event(ctx, 'Warning', 'InitializationFailed', `${id(ctx)}: ${reason}`);
      notify(ctx, 'error', `Initialization of ${id(ctx)} failed: ${reason}`);
    }
    ctx.status = withPhase({ ...ctx.status, notReadySince: since }, 'Failed', ctx.now, reason);
    return done(null);
  }
  if (!ctx.status.notReadySince) event(ctx, 'Normal', 'WaitingForPrimary', `Waiting for ${ctx.canary.spec.targetRef.name}-primary to be ready: ${message}`);
  ctx.status = withPhase({ ...ctx.status, notReadySince: since }, 'Initializing', ctx.now);
  const remaining = ctx.settings.progressDeadlineMs - elapsedMs(since, ctx.now);
  return done(Math.min(READINESS_POLL_MS, remaining));
}
