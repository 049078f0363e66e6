import { type Ctx, done, elapsedMs, event, id, type Outcome, READINESS_POLL_MS } from '../context.js';
import { withPhase } from '../status.js';

/**
 * revertOnDeletion: hand the workload back as it was before Pennant. The target is scaled up and must
 * be ready before the Services stop pointing at the primary; a target that never becomes ready within
 * the progress deadline is reverted anyway (with a Warning), so a deletion is never stuck forever.
 */
export function terminating(ctx: Ctx): Outcome {
  if (ctx.status.phase === 'Terminated') return done(null);
  const { target, primary } = ctx.obs;
  const since = ctx.status.phase === 'Terminating' ? ctx.status.lastTransitionTime : undefined;
  if (ctx.status.phase !== 'Terminating') {
    ctx.status = withPhase(ctx.status, 'Terminating', ctx.now);
    event(ctx, 'Normal', 'Terminating', `Deleting ${id(ctx)}: reverting ${ctx.canary.spec.targetRef.name} to serve all traffic`);
  }
  if (target.exists && target.replicas === 0) {
    const replicas = primary.exists && primary.replicas > 0 ? primary.replicas : ctx.obs.canaryReplicasWhenUp;
    ctx.actions.push({ kind: 'scale', workload: 'canary', replicas });
    return done(READINESS_POLL_MS);
  }
  const waitedTooLong = elapsedMs(since, ctx.now) >= ctx.settings.progressDeadlineMs;
  if (target.exists && !target.readiness.ready && !waitedTooLong) return done(READINESS_POLL_MS);
  if (target.exists && !target.readiness.ready) {
    event(ctx, 'Warning', 'RevertedUnready', `${ctx.canary.spec.targetRef.name} is not ready; reverting ${id(ctx)} anyway`);
  }
  ctx.actions.push({ kind: 'revertOnDeletion' }, { kind: 'removeFinalizer' });
  ctx.status = withPhase(ctx.status, 'Terminated', ctx.now);
  event(ctx, 'Normal', 'Terminated', `${id(ctx)} reverted and released`);
  return done(null);
}
