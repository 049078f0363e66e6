import type { CheckStatus } from '../../api/index.js';
import {
  type Ctx, done, elapsedMs, event, hookCheck, hookResults, id, metricCheck, need, notify, type Outcome,
  msUntilTick, READINESS_POLL_MS, stepTime, targetChanged, targetIsPromoted,
} from '../context.js';
import { ALL_TO_PRIMARY, freshRun, promoteWithoutAnalysis, rollback, routeTo, scaleCanary } from '../outcomes.js';
import { gateDeadlineMs } from '../settings.js';
import { isPaused, withPhase } from '../status.js';
import { step } from './strategy.js';

/** Progressing and WaitingPromotion: one analysis step per interval. */
export function analysing(ctx: Ctx): Outcome {
  if (targetChanged(ctx)) return targetIsPromoted(ctx) ? abandon(ctx) : restart(ctx);
  // `pennant pause`: the weight holds, no checks, no steps; a canary that stops being ready is still rolled back.
  const paused = isPaused(ctx.status);
  if (ctx.settings.skipAnalysis && !paused) return promoteWithoutAnalysis(ctx, 'skipAnalysis');
  const unready = readinessWait(ctx);
  if (unready) return unready;
  if (paused) return done(null);
  const wait = msUntilTick(ctx);
  if (wait > 0) return done(wait);
  ctx.status = { ...ctx.status, lastStepTime: stepTime(ctx) };
  return tick(ctx);
}

/** A new revision mid-analysis starts over: old verdicts never carry over to new code. */
export function restart(ctx: Ctx): Outcome {
  const { target } = ctx.obs;
  routeTo(ctx, ALL_TO_PRIMARY);
  if (target.replicas === 0) scaleCanary(ctx, ctx.obs.canaryReplicasWhenUp);
  ctx.status = withPhase(
    { ...freshRun(ctx.status), lastAppliedSpec: target.revision, trackedConfigs: target.trackedConfigs ?? {}, lastStepTime: stepTime(ctx) },
    'Progressing',
    ctx.now,
  );
  event(ctx, 'Normal', 'NewRevision', `New revision detected! Restarting analysis for ${id(ctx)}`);
  notify(ctx, 'info', `New revision detected, restarting the analysis of ${id(ctx)}.`);
  return done(ctx.settings.intervalMs);
}

/** The target went back to the promoted revision mid-analysis: nothing left to analyse. */
function abandon(ctx: Ctx): Outcome {
  routeTo(ctx, ALL_TO_PRIMARY);
  scaleCanary(ctx, 0);
  const { target } = ctx.obs;
  const { gate: _gate, notReadySince: _notReady, fullPromotion: _full, ...rest } = ctx.status;
  ctx.status = withPhase(
    { ...rest, canaryWeight: 0, iterations: 0, mirrored: false, lastAppliedSpec: target.revision, trackedConfigs: target.trackedConfigs ?? {} },
    'Succeeded',
    ctx.now,
    'analysis abandoned: the target is back at the promoted revision',
  );
  event(ctx, 'Normal', 'AnalysisAbandoned', `${id(ctx)} is back at the promoted revision, analysis abandoned`);
  return done(null);
}

/** Waits for both workloads to be ready; past progressDeadlineSeconds that is a rollback. */
function readinessWait(ctx: Ctx): Outcome | undefined {
  const { primary, target } = ctx.obs;
  if (target.replicas === 0) scaleCanary(ctx, ctx.obs.canaryReplicasWhenUp);
  const unready = !primary.readiness.ready
    ? { who: `${ctx.canary.spec.targetRef.name}-primary`, r: primary.readiness }
    : !target.readiness.ready ? { who: ctx.canary.spec.targetRef.name, r: target.readiness } : undefined;
  if (!unready || unready.r.ready) {
    if (ctx.status.notReadySince) {
      const { notReadySince: _n, ...rest } = ctx.status;
      ctx.status = rest;
    }
    return undefined;
  }
  const since = ctx.status.notReadySince ?? ctx.now.toISOString();
  const waited = elapsedMs(since, ctx.now);
  if (unready.r.deadlineExceeded || waited >= ctx.settings.progressDeadlineMs) {
    return rollback(ctx, `${unready.who} not ready after ${ctx.settings.progressDeadlineMs / 1000}s (progress deadline): ${unready.r.message}`);
  }
  if (!ctx.status.notReadySince) event(ctx, 'Warning', 'NotReady', `Halt ${id(ctx)} advancement: ${unready.who} not ready: ${unready.r.message}`);
  ctx.status = { ...ctx.status, notReadySince: since };
  return done(Math.min(READINESS_POLL_MS, ctx.settings.progressDeadlineMs - waited));
}

function tick(ctx: Ctx): Outcome {
  const rollbackSignals = hookResults(ctx, 'rollback');
  if (rollbackSignals === undefined) return need('rollback');
  const signal = rollbackSignals.find((r) => r.ok);
  if (signal) return rollback(ctx, `rollback webhook ${signal.name} signalled a rollback`, 'warn');
  if ((ctx.status.failedChecks ?? 0) >= ctx.settings.threshold) {
    return rollback(ctx, `failed checks threshold reached ${ctx.status.failedChecks}`);
  }
  const gate = ctx.status.gate;
  const deadline = gate ? gateDeadlineMs(ctx.canary, gate.type) : undefined;
  if (gate && deadline !== undefined && elapsedMs(gate.since, ctx.now) >= deadline) {
    return rollback(ctx, `${gate.type} was not approved within its deadline`, 'warn');
  }
  const checks = runChecks(ctx);
  if (checks.kind === 'evaluate') return checks;
  if (checks.failed.length) return failedStep(ctx, checks.results, checks.failed);
  ctx.status = { ...ctx.status, checks: checks.results };
  return step(ctx);
}

type ChecksOutcome =
  | { kind: 'evaluate'; evaluation: 'pre-rollout' | 'rollout' | 'metrics'; at?: string }
  | { kind: 'checked'; results: CheckStatus[]; failed: CheckStatus[] };

/** First step: pre-rollout hooks. Later steps: rollout hooks, then every metric. */
function runChecks(ctx: Ctx): ChecksOutcome {
  const time = ctx.now.toISOString();
  const s = ctx.status;
  const first = (s.canaryWeight ?? 0) === 0 && (s.iterations ?? 0) === 0 && !s.mirrored && s.phase === 'Progressing';
  if (first) {
    const pre = hookResults(ctx, 'pre-rollout');
    if (pre === undefined) return { kind: 'evaluate', evaluation: 'pre-rollout' };
    const results = pre.map((r) => hookCheck(r, time));
    if (!results.some((r) => r.verdict !== 'pass')) event(ctx, 'Normal', 'AnalysisStarted', `Starting canary analysis for ${id(ctx)}`);
    return { kind: 'checked', results, failed: results.filter((r) => r.verdict !== 'pass') };
  }
  const rollout = hookResults(ctx, 'rollout');
  if (rollout === undefined) return { kind: 'evaluate', evaluation: 'rollout' };
  const hookChecks = rollout.map((r) => hookCheck(r, time));
  const failedHooks = hookChecks.filter((r) => r.verdict !== 'pass');
  if (failedHooks.length) return { kind: 'checked', results: hookChecks, failed: failedHooks };
  if ((ctx.canary.spec.analysis.metrics ?? []).length === 0) return { kind: 'checked', results: hookChecks, failed: [] };
  if (ctx.obs.metrics === undefined) return { kind: 'evaluate', evaluation: 'metrics', ...(ctx.status.lastStepTime ? { at: ctx.status.lastStepTime } : {}) };
  const metricChecks = ctx.obs.metrics.map((m) => metricCheck(m, time));
  const results = [...hookChecks, ...metricChecks];
  return { kind: 'checked', results, failed: metricChecks.filter((r) => r.verdict !== 'pass') };
}

/** One failed step counts once, however many checks failed; at the threshold it rolls back at once. */
function failedStep(ctx: Ctx, results: CheckStatus[], failed: CheckStatus[]): Outcome {
  const failedChecks = (ctx.status.failedChecks ?? 0) + 1;
  ctx.status = { ...ctx.status, failedChecks, checks: results };
  for (const check of failed) {
    event(ctx, 'Warning', 'CheckFailed', `Halt ${id(ctx)} advancement ${check.name}: ${check.message ?? check.verdict}`);
  }
  if (failedChecks >= ctx.settings.threshold) {
    const names = failed.map((c) => c.name).join(', ');
    return rollback(ctx, `failed checks threshold reached ${failedChecks} (last failing: ${names})`);
  }
  return done(ctx.settings.intervalMs);
}
