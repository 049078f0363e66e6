import type { Canary, CanaryStatus, CheckStatus } from '../api/index.js';
import type { AnalysisSettings } from './settings.js';
import { canaryId, revisionKey, sameConfigs } from './status.js';
import type { Action, CheckResult, Evaluation, HookEvaluation, HookResult, Observation, Severity } from './types.js';

/** One decision in the making: inputs, and the status and actions built so far. */
export interface Ctx {
  readonly canary: Canary;
  readonly obs: Observation;
  readonly now: Date;
  readonly settings: AnalysisSettings;
  status: CanaryStatus;
  readonly actions: Action[];
}

export type Outcome = { kind: 'evaluate'; evaluation: Evaluation; at?: string } | { kind: 'done'; requeueAfterMs: number | null };

export const done = (requeueAfterMs: number | null): Outcome => ({ kind: 'done', requeueAfterMs });
export const need = (evaluation: Evaluation): Outcome => ({ kind: 'evaluate', evaluation });

/** Readiness waits are woken by watch events; this is only the safety net. */
export const READINESS_POLL_MS = 5_000;

export function hookResults(ctx: Ctx, type: HookEvaluation): HookResult[] | undefined {
  const configured = (ctx.canary.spec.analysis.webhooks ?? []).some((h) => (h.type || 'rollout') === type);
  if (!configured) return [];
  return ctx.obs.hooks?.[type];
}

export function event(ctx: Ctx, type: 'Normal' | 'Warning', reason: string, message: string): void {
  ctx.actions.push({ kind: 'event', type, reason, message });
}

export function notify(ctx: Ctx, severity: Severity, message: string, fields: Record<string, string> = {}): void {
  ctx.actions.push({ kind: 'notify', severity, message, fields });
}

export const id = (ctx: Ctx): string => canaryId(ctx.canary);

export const elapsedMs = (since: string | undefined, now: Date): number =>
  since ? now.getTime() - Date.parse(since) : 0;

/**
 * The time of an analysis step: steps fall on a grid of the interval, the same for every Canary
 * with that interval, so their checks are made at the same instants and one query can judge them
 * all (src/metrics/batch.ts). The first step of a run comes at the next point of the grid.
 */
export function stepTime(ctx: Ctx): string {
  const interval = Math.max(1, ctx.settings.intervalMs);
  return new Date(Math.floor(ctx.now.getTime() / interval) * interval).toISOString();
}

/** Is an analysis step due? The first reconcile after a step waits a full interval. */
export function msUntilTick(ctx: Ctx): number {
  const last = ctx.status.lastStepTime;
  if (!last) return 0;
  return Math.max(0, Date.parse(last) + ctx.settings.intervalMs - ctx.now.getTime());
}

export function targetRevisionKey(ctx: Ctx): string {
  return revisionKey(ctx.obs.target.revision ?? '', ctx.obs.target.trackedConfigs);
}

/** Has the target moved on from the revision the status is about (pod template or tracked configs)? */
export const targetChanged = (ctx: Ctx): boolean =>
  ctx.obs.target.revision !== ctx.status.lastAppliedSpec || !sameConfigs(ctx.obs.target.trackedConfigs, ctx.status.trackedConfigs);

/** Does the target run exactly what was last promoted (so there is nothing to analyse)? */
export function targetIsPromoted(ctx: Ctx): boolean {
  const promoted = ctx.status.promotedRevisions?.[0];
  if (promoted !== undefined) return promoted === targetRevisionKey(ctx);
  return ctx.status.lastPromotedSpec === ctx.obs.target.revision;
}

export function hookCheck(result: HookResult, time: string): CheckStatus {
  return {
    name: result.name,
    kind: 'webhook',
    verdict: result.ok ? 'pass' : 'fail',
    ...(result.message ? { message: result.message } : {}),
    time,
  };
}

export function metricCheck(result: CheckResult, time: string): CheckStatus {
  return {
    name: result.name,
    kind: 'metric',
    verdict: result.verdict,
    value: result.value,
    ...(result.min !== undefined ? { min: result.min } : {}),
    ...(result.max !== undefined ? { max: result.max } : {}),
    ...(result.message ? { message: result.message } : {}),
    time,
  };
}

/** Alert fields as Flagger sends them, so existing Slack habits carry over. */
export function metadataFields(ctx: Ctx, routing: string): Record<string, string> {
  const { canary } = ctx;
  return {
    Target: `${canary.spec.targetRef.kind}/${canary.spec.targetRef.name}.${canary.metadata.namespace ?? 'default'}`,
    'Failed checks threshold': String(ctx.settings.threshold),
    'Progress deadline': `${ctx.settings.progressDeadlineMs / 1000}s`,
    'Traffic routing': routing,
  };
}
