import type { CanaryStatus } from '../api/index.js';
import { type Ctx, done, event, id, notify, type Outcome, READINESS_POLL_MS } from './context.js';
import { revisionKey, withPhase } from './status.js';
import type { Routes } from './types.js';

export const ALL_TO_PRIMARY: Routes = { primary: 100, canary: 0, mirror: false };
export const ALL_TO_CANARY: Routes = { primary: 0, canary: 100, mirror: false };
/** A/B testing: requests that match `analysis.match` go to the canary, all others to the primary. */
export const MATCHED_TO_CANARY: Routes = { primary: 0, canary: 100, mirror: false, matchedOnly: true };

const sameRoutes = (a: Routes | null, b: Routes): boolean =>
  a !== null && a.primary === b.primary && a.canary === b.canary && a.mirror === b.mirror && (a.matchedOnly ?? false) === (b.matchedOnly ?? false);

/** Emits setRoutes unless the router already routes that way. */
export function routeTo(ctx: Ctx, routes: Routes): void {
  if (!sameRoutes(ctx.obs.routes, routes)) ctx.actions.push({ kind: 'setRoutes', routes });
}

/**
 * The canary's replicas at the end of this decision: the last call wins. A rollback re-made after a
 * crash between acting and writing the status finds the canary already at zero, and the readiness
 * wait before it asks to scale it up: without dropping that, the rollback would leave it running.
 */
export function scaleCanary(ctx: Ctx, replicas: number): void {
  const earlier = ctx.actions.findIndex((a) => a.kind === 'scale' && a.workload === 'canary');
  if (earlier >= 0) ctx.actions.splice(earlier, 1);
  if (ctx.obs.target.replicas !== replicas) ctx.actions.push({ kind: 'scale', workload: 'canary', replicas });
}

/**
 * Git is told about the outcome through the status, not a fire-and-forget action: the next reconcile
 * writes it back and clears it, and a failure is retried until it succeeds. A newer outcome replaces
 * an older one still pending: Git needs the latest truth only.
 */
function withPendingWriteBack(ctx: Ctx, outcome: 'promoted' | 'rolledBack', reason: string): CanaryStatus {
  const revision = ctx.status.lastPromotedSpec ?? '';
  return { ...ctx.status, pendingWriteBack: { outcome, reason, revision, since: ctx.now.toISOString(), attempts: 0 } };
}

/** Fields of a fresh analysis run. */
export function freshRun(status: CanaryStatus): CanaryStatus {
  const { gate: _gate, queuedSince: _queued, notReadySince: _notReady, skippedAnalysis: _skipped, fullPromotion: _full, ...rest } = status;
  return { ...rest, failedChecks: 0, canaryWeight: 0, iterations: 0, mirrored: false, checks: [] };
}

function idleFields(status: CanaryStatus): CanaryStatus {
  const { gate: _gate, queuedSince: _queued, notReadySince: _notReady, skippedAnalysis: _skipped, fullPromotion: _full, ...rest } = status;
  return { ...rest, canaryWeight: 0, iterations: 0, mirrored: false };
}

/** All traffic back to the primary, canary scaled to zero, Failed; Git told to forget the version. */
export function rollback(ctx: Ctx, reason: string, severity: 'warn' | 'error' = 'error'): Outcome {
  routeTo(ctx, ALL_TO_PRIMARY);
  scaleCanary(ctx, 0);
  ctx.status = withPhase(idleFields(ctx.status), 'Failed', ctx.now, reason);
  event(ctx, 'Warning', 'RolledBack', `Rolling back ${id(ctx)}: ${reason}`);
  notify(ctx, severity, `Canary analysis failed, rolled back ${id(ctx)}: ${reason}`, failingCheckFields(ctx));
  ctx.actions.push({ kind: 'runHooks', type: 'post-rollout', phase: 'Failed' });
  ctx.status = withPendingWriteBack(ctx, 'rolledBack', reason);
  return done(null);
}

function failingCheckFields(ctx: Ctx): Record<string, string> {
  const fields: Record<string, string> = { 'Failed checks': String(ctx.status.failedChecks ?? 0) };
  for (const check of ctx.status.checks ?? []) {
    if (check.verdict !== 'pass') fields[check.name] = check.message ?? check.verdict;
  }
  return fields;
}

/** Copies the canary's template to the primary; traffic moves back once the primary is ready. */
export function startPromotion(ctx: Ctx): Outcome {
  const { canary } = ctx;
  ctx.actions.push({ kind: 'promote' });
  const { gate: _gate, notReadySince: _notReady, ...rest } = ctx.status;
  ctx.status = withPhase(rest, 'Promoting', ctx.now);
  event(ctx, 'Normal', 'Promoting', `Copying ${canary.spec.targetRef.name}.${canary.metadata.namespace ?? 'default'} template spec to ${canary.spec.targetRef.name}-primary`);
  return done(READINESS_POLL_MS);
}

/** The last step of a rollout: the primary serves everything, the canary goes to zero. */
export function completePromotion(ctx: Ctx): Outcome {
  const skipped = ctx.status.skippedAnalysis;
  const message = skipped ? `Promotion completed without analysis (${skipped})!` : 'Promotion completed!';
  // What was analysed and promoted, not what the target holds now: a template pushed while the
  // canary was held (serving-pods.ts) is not promoted by this promotion.
  const key = revisionKey(ctx.status.lastAppliedSpec ?? '', ctx.status.trackedConfigs);
  const history = [key, ...(ctx.status.promotedRevisions ?? []).filter((r) => r !== key)];
  scaleCanary(ctx, 0);
  ctx.status = withPhase(
    { ...idleFields(ctx.status), failedChecks: 0, lastPromotedSpec: ctx.status.lastAppliedSpec, promotedRevisions: history.slice(0, Math.max(10, ctx.settings.rollbackWindow + 1)) },
    'Succeeded',
    ctx.now,
    skipped ? `promoted without analysis (${skipped})` : 'promoted',
  );
  event(ctx, 'Normal', 'Promoted', `${message} Scaling down ${ctx.canary.spec.targetRef.name}.${ctx.canary.metadata.namespace ?? 'default'}`);
  notify(ctx, 'info', `${message} ${id(ctx)}`);
  ctx.actions.push({ kind: 'runHooks', type: 'post-rollout', phase: 'Succeeded' });
  ctx.status = withPendingWriteBack(ctx, 'promoted', skipped ? `analysis skipped (${skipped})` : 'analysis passed');
  return done(null);
}

/** skipAnalysis and rollbackWindow: no analysis, but the promotion still waits for a ready primary. */
export function promoteWithoutAnalysis(ctx: Ctx, why: string): Outcome {
  routeTo(ctx, ALL_TO_PRIMARY);
  ctx.status = {
    ...idleFields(ctx.status),
    lastAppliedSpec: ctx.obs.target.revision,
    trackedConfigs: ctx.obs.target.trackedConfigs ?? {},
    checks: [],
    skippedAnalysis: why,
  };
  event(ctx, 'Normal', 'SkippingAnalysis', `Skipping the analysis of ${id(ctx)}: ${why}`);
  return startPromotion(ctx);
}
