import type { Logger } from 'pino';
import type { Canary, CanaryStatus } from '../api/index.js';
import { type AdvanceResult, advance, type Evaluation, isActivePhase, type Observation, reportInvalid } from '../engine/index.js';
import type { WriteBack } from '../gitops/index.js';
import { isConflict, isNotFound } from '../kube/errors.js';
import type { KubeClient, KubeObject, ResourceType } from '../kube/types.js';
import { type Router, type RouterOptions, routerFor } from '../routers/index.js';
import { type Workload, workloadFor, type WorkloadOptions } from '../workloads/index.js';
import { type ActorDeps, canaryRef, changeWorld, report, reportActions, worldActions } from './act.js';
import type { AnalysisSlots } from './analysis-slots.js';
import type { ClusterCache } from './cluster-cache.js';
import type { ControllerConfig } from './config.js';
import { DecisionConflict, DecisionRun } from './decision.js';
import { expectMetricStep } from './evaluate.js';
import type { ControllerMetrics } from './metrics.js';
import type { CanaryMetricsRecorder } from './record-metrics.js';
import { deepEqual, mergePatchBetween } from './status-patch.js';
import type { EvaluationMemo } from './side-effects.js';
import type { ReportQueue } from './report-queue.js';
import type { MetricBatcher } from '../metrics/index.js';
import type { CanaryRules } from './rules.js';
import { parseCanary } from './validate-canary.js';

export const CANARY: ResourceType = { apiVersion: 'pennant.dev/v1beta1', kind: 'Canary' };

export interface ReconcilerDeps extends ActorDeps {
  kube: KubeClient;
  cache: ClusterCache;
  config: ControllerConfig;
  slots: AnalysisSlots;
  metrics: ControllerMetrics;
  logger: Logger;
  rules: CanaryRules;
  writeBack: WriteBack;
  /** resourceVersions of each Canary our last status writes replaced: while the cache shows one, it is stale. */
  writtenFrom: Map<string, { resourceVersions: string[]; at: number }>;
  memo: EvaluationMemo;
  /** Events, alerts and post-rollout hooks, sent off the worker. */
  reports: ReportQueue;
  batcher?: MetricBatcher;
  recorder: CanaryMetricsRecorder;
}

/** Thrown when the controller stops mid-reconcile: nothing observed after that point is trusted. */
export class ShutdownError extends Error {
  override readonly name = 'ShutdownError';
}

/** What the work queue should do next with the key; `conflict`: the decision lost a race and is made again. */
export type ReconcileResult = { requeueAfterMs: number | null; conflict?: boolean };

const ONE_SECOND = 1000;
const BLOCKED_RETRY_MS = 30_000;
const CACHE_CATCH_UP_MS = 100;
/** A write the server turned into a no-op never shows up in the cache; stop waiting for it. */
const CACHE_CATCH_UP_LIMIT_MS = 5000;

/**
 * One reconcile of one Canary: observe (caches) → decide (the pure engine, asking for webhook and
 * metric answers as it needs them) → act (world first) → write status once → report.
 */
export async function reconcile(deps: ReconcilerDeps, key: string, signal: AbortSignal): Promise<ReconcileResult> {
  const [namespace = '', name = ''] = key.split('/');
  const raw = deps.cache.get(CANARY, namespace, name);
  if (!raw) {
    deps.slots.settle(key, undefined);
    deps.recorder.forget(key);
    deps.writtenFrom.delete(key);
    deps.memo.forget(key);
    return { requeueAfterMs: null };
  }
  // Deciding on a status older than our own last write would repeat that step (and its Events).
  const now = deps.now();
  const written = deps.writtenFrom.get(key);
  if (written && written.resourceVersions.includes(raw.metadata.resourceVersion ?? '') && now.getTime() - written.at < CACHE_CATCH_UP_LIMIT_MS) {
    return { requeueAfterMs: CACHE_CATCH_UP_MS };
  }
  deps.writtenFrom.delete(key);
  const parsed = parseCanary(raw, deps.rules, deps.config.provider);
  if (!parsed.ok) return finish(deps, raw, parsed.meta, reportInvalid(parsed.meta, parsed.message, now), undefined, signal);

  const { canary, warnings } = parsed;
  let target: { workload: Workload; router: Router } | undefined;
  let obs: Observation;
  try {
    target = {
      workload: workloadFor(canary, deps.kube, deps.cache, workloadOptions(deps.config)),
      router: routerFor(canary.spec.provider ?? deps.config.provider, { kube: deps.kube, cache: deps.cache, ...routerOptions(deps.config) }),
    };
  } catch (err) {
    return finish(deps, raw, canary, reportInvalid(canary, errorMessage(err), now, 'InvalidSpec', warnings), undefined, signal);
  }
  try {
    await deps.cache.watch([...target.workload.watches, ...target.router.watches]);
    await deps.cache.ensureContent(target.workload.reads(canary));
    obs = { ...observe(deps, key, canary, target), warnings };
  } catch (err) {
    // A missing API, a ConfigMap the target needs…: nothing is touched, and it is looked at again soon.
    const blocked = await finish(deps, raw, canary, reportInvalid(canary, errorMessage(err), now, 'CannotReconcile', warnings), undefined, signal);
    return { requeueAfterMs: blocked.requeueAfterMs ?? BLOCKED_RETRY_MS };
  }
  const run = new DecisionRun(deps, key, raw, canary);
  let result = advance(canary, obs, now);
  for (let asked = 0; result.kind === 'evaluate'; asked++) {
    if (asked > 10) throw new Error(`the engine asked for more than 10 evaluations (last: ${result.evaluation})`);
    try {
      obs = await run.evaluate(result.evaluation, obs, signal, result.at);
    } catch (err) {
      if (!(err instanceof DecisionConflict)) throw err;
      deps.metrics.conflicts.inc();
      return { requeueAfterMs: CACHE_CATCH_UP_MS, conflict: true };
    }
    // A query cancelled by shutdown is not a failed check: decide nothing, the next leader will.
    if (signal.aborted) throw new ShutdownError(`stopped while evaluating ${result.evaluation}`);
    logEvaluation(deps.logger, key, result.evaluation, obs);
    result = advance(canary, obs, now);
  }
  return finish(deps, raw, canary, result, target, signal, run);
}

const workloadOptions = (config: ControllerConfig): WorkloadOptions =>
  (config.includeLabelPrefix ? { includeLabelPrefix: config.includeLabelPrefix } : {});
const routerOptions = (config: ControllerConfig): RouterOptions => (config.ingressClass ? { ingressClass: config.ingressClass } : {});

function observe(deps: ReconcilerDeps, key: string, canary: Canary, t: { workload: Workload; router: Router }): Observation {
  const view = t.workload.observe(canary);
  return {
    ...view,
    routes: view.target.exists ? t.router.getRoutes(canary) : null,
    router: t.router.capabilities,
    analysisSlot: deps.slots.available(key, canary.status),
    deleting: Boolean(canary.metadata.deletionTimestamp),
  };
}

async function finish(
  deps: ReconcilerDeps,
  raw: KubeObject,
  canary: Canary | Pick<Canary, 'metadata' | 'status'>,
  result: AdvanceResult,
  target: { workload: Workload; router: Router } | undefined,
  signal: AbortSignal,
  run?: DecisionRun,
): Promise<ReconcileResult> {
  if (result.kind !== 'decision') throw new Error('finish() needs a decision');
  const key = `${raw.metadata.namespace}/${raw.metadata.name}`;
  const before = run?.statusBefore() ?? canary.status ?? {};
  // The start of hooks was only to be known while they ran: a decision made is the record now.
  const { hooksStarted: _started, ...after } = result.status;
  const starts = !isActivePhase(before.phase) && isActivePhase(result.status.phase);
  if (starts && !deps.slots.tryReserve(key)) return { requeueAfterMs: ONE_SECOND };

  const full = 'spec' in canary ? canary : undefined;
  if (full && target) {
    try {
      await changeWorld(deps, { canary: full, ...target }, worldActions(result.actions));
    } catch (err) {
      if (!isConflict(err)) throw err;
      // An object moved since it was observed (a pause refused because the target's template
      // changed): nothing after it ran, and the decision is made again on what the cache shows next.
      deps.metrics.conflicts.inc();
      deps.slots.settle(key, before.phase);
      deps.logger.debug({ canary: key, err: errorMessage(err) }, 'world changed under the decision; deciding again');
      return { requeueAfterMs: CACHE_CATCH_UP_MS, conflict: true };
    }
  }
  const written = await writeStatus(deps, raw, before, after, run?.resourceVersion ?? raw.metadata.resourceVersion ?? '');
  if (!written) {
    deps.slots.settle(key, before.phase);
    return { requeueAfterMs: 0, conflict: true };
  }
  run?.settled();
  deps.slots.settle(key, after.phase);
  if (full && after.lastStepTime && after.lastStepTime !== before.lastStepTime && isActivePhase(after.phase)) expectMetricStep(deps, full, after.lastStepTime);
  if (!deepEqual(before, after)) deps.writtenFrom.set(key, { resourceVersions: run?.superseded ?? [raw.metadata.resourceVersion ?? ''], at: deps.now().getTime() });
  const updated = { ...canary, status: after } as Canary;
  if (full) deps.recorder.record(key, full, before, after, target?.router.getRoutes(full) ?? null);
  const reports = reportActions(result.actions);
  if (reports.length) deps.reports.enqueue(key, () => report(deps, updated, reports, signal, run?.key));
  logDecision(deps.logger, key, before, result);
  return { requeueAfterMs: result.requeueAfterMs };
}

/** Writes the status once, with the resourceVersion we decided on; false on a conflict (decide afresh). */
async function writeStatus(deps: ReconcilerDeps, raw: KubeObject, before: CanaryStatus, after: CanaryStatus, resourceVersion: string): Promise<boolean> {
  if (deepEqual(before, after)) return true;
  const patch = mergePatchBetween(before, after) ?? {};
  try {
    await deps.kube.patchStatus(canaryRef(raw as unknown as Canary), patch, resourceVersion);
    return true;
  } catch (err) {
    if (isConflict(err)) {
      deps.metrics.conflicts.inc();
      return false;
    }
    if (isNotFound(err)) return true;
    throw err;
  }
}

function logDecision(logger: Logger, key: string, before: CanaryStatus, result: Extract<AdvanceResult, { kind: 'decision' }>): void {
  const { status } = result;
  const answered = status.lastRequest && (status.lastRequest.id !== before.lastRequest?.id || status.lastRequest.time !== before.lastRequest.time) ? status.lastRequest : undefined;
  const checks = status.checks?.map((c) => ({ name: c.name, kind: c.kind, value: c.value, min: c.min, max: c.max, verdict: c.verdict, message: c.message }));
  const fields = {
    canary: key,
    phase: status.phase,
    from: before.phase,
    weight: status.canaryWeight,
    failedChecks: status.failedChecks,
    actions: result.actions.map((a) => a.kind),
    requeueAfterMs: result.requeueAfterMs,
    ...(status.lastStepTime !== before.lastStepTime ? { checks } : {}),
    // A request of `pennant promote|abort|pause|resume|retry` answered by this decision.
    ...(answered ? { request: answered } : {}),
  };
  const quiet = result.actions.every((a) => a.kind === 'ensureRouting');
  if (status.phase !== before.phase || !quiet || answered) logger.info(fields, 'reconciled');
  else logger.debug(fields, 'reconciled');
}

/** Every check logs what it asked, what came back, the bounds and the verdict. */
function logEvaluation(logger: Logger, key: string, evaluation: Evaluation, obs: Observation): void {
  if (evaluation === 'metrics') {
    for (const m of obs.metrics ?? []) {
      logger.info({ canary: key, metric: m.name, query: m.query, value: m.value, min: m.min, max: m.max, verdict: m.verdict, message: m.message }, 'metric check');
    }
    return;
  }
  if (evaluation === 'writeBack') {
    const w = obs.writeBack;
    if (w) (w.ok ? logger.info.bind(logger) : logger.warn.bind(logger))({ canary: key, ok: w.ok, commit: w.commit, message: w.message }, 'write-back');
    return;
  }
  for (const h of obs.hooks?.[evaluation] ?? []) {
    logger.info({ canary: key, hook: h.name, type: h.type, ok: h.ok, status: h.status, message: h.message }, 'webhook check');
  }
}

export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));
