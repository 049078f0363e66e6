import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import type { WriteBack } from '../gitops/index.js';
import type { KubeClient, KubeObject, ResourceType } from '../kube/types.js';
import type { Notifier } from '../notify/index.js';
import { MetricBatcher } from '../metrics/index.js';
import type { HookCaller } from '../webhooks/index.js';
import { AnalysisSlots } from './analysis-slots.js';
import { CanaryIndex, keyOf } from './canary-index.js';
import { type CachePolicy, ClusterCache, typeKey } from './cluster-cache.js';
import { shardSelector } from './shard.js';
import type { ControllerConfig } from './config.js';
import { METRIC_TEMPLATE, SECRET } from './evaluate.js';
import type { ControllerMetrics } from './metrics.js';
import { CANARY, errorMessage, reconcile, type ReconcilerDeps, ShutdownError } from './reconciler.js';
import { CanaryMetricsRecorder } from './record-metrics.js';
import { ReportQueue } from './report-queue.js';
import { EvaluationMemo } from './side-effects.js';
import type { CanaryRules } from './rules.js';
import { type Clock, Scheduler, systemClock } from './scheduler.js';
import { WorkQueue } from './work-queue.js';

/** Everything the controller reads through informers. */
const CONFIGMAP: ResourceType = { apiVersion: 'v1', kind: 'ConfigMap' };
const ALERT_PROVIDER: ResourceType = { apiVersion: 'pennant.dev/v1beta1', kind: 'AlertProvider' };
const DEPLOYMENT: ResourceType = { apiVersion: 'apps/v1', kind: 'Deployment' };
const HPA: ResourceType = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' };

export const WATCHED: ResourceType[] = [CANARY, METRIC_TEMPLATE, ALERT_PROVIDER, DEPLOYMENT, CONFIGMAP, SECRET, { apiVersion: 'v1', kind: 'Service' }, HPA];

/**
 * A cluster's ConfigMaps and Secrets are mostly not Pennant's business: they are watched by metadata
 * only, and the few a target, a MetricTemplate, an AlertProvider or a GitSource uses are fetched when
 * read. managedFields are kept only where drift Events name the writer (Services, router objects).
 */
export const CACHE_POLICY: CachePolicy = {
  onDemand: [CONFIGMAP, SECRET],
  withoutOwnership: [CANARY, METRIC_TEMPLATE, ALERT_PROVIDER, DEPLOYMENT, CONFIGMAP, SECRET, HPA, { apiVersion: 'pennant.dev/v1beta1', kind: 'GitSource' }],
};

export interface ControllerDeps {
  kube: KubeClient;
  config: ControllerConfig;
  logger: Logger;
  metrics: ControllerMetrics;
  notifier: Notifier;
  writeBack: WriteBack;
  rules: CanaryRules;
  clock?: Clock;
  callHook?: HookCaller;
  /** Shared by the controller's canaries (given by tests that count its queries). */
  batcher?: MetricBatcher;
}

const MAX_BACKOFF_MS = 5 * 60_000;
const CONFLICT_BACKOFF_MS = 10;
const REPORT_DRAIN_MS = 5_000;
const MAX_CONFLICT_BACKOFF_MS = 5_000;

/**
 * Informers feed a work queue; workers reconcile; one scheduler wakes Canaries when their next
 * step is due. A failed reconcile is retried with exponential backoff per key.
 */
export class Controller {
  readonly cache: ClusterCache;
  private readonly queue: WorkQueue;
  private readonly scheduler: Scheduler;
  private readonly failures = new Map<string, number>();
  private readonly conflictStreaks = new Map<string, number>();
  private readonly index = new CanaryIndex();
  /** What the informer counters stood at when last added to the metrics, per counter and kind. */
  private readonly informerCounted = { restarts: new Map<string, number>(), relists: new Map<string, number>() };
  private readonly abort = new AbortController();
  private readonly reconcilerDeps: ReconcilerDeps;
  private workers: Promise<void>[] = [];
  private resync: ReturnType<typeof setInterval> | undefined;
  private synced = false;

  constructor(private readonly deps: ControllerDeps) {
    this.queue = new WorkQueue((lane, seconds) => deps.metrics.queueWait.observe({ lane }, seconds));
    this.cache = new ClusterCache(deps.kube, deps.config.namespace, (type, event, obj) => {
      if (type.kind !== CANARY.kind) return this.enqueueOwners(obj);
      this.index.update(event, obj);
      this.queue.add(keyOf(obj));
    }, { ...CACHE_POLICY, selectors: { [typeKey(CANARY)]: shardSelector(deps.config.shard) } });
    const clock = deps.clock ?? systemClock;
    this.scheduler = new Scheduler((key, lane) => this.queue.add(key, lane), clock);
    const slots = new AnalysisSlots(deps.config.maxConcurrentAnalyses, () => this.index.holders());
    deps.metrics.readFrom({
      canariesByNamespace: () => this.index.countByNamespace(),
      analysesRunning: () => slots.count(),
      scheduled: () => this.scheduler.size,
      queueDepth: () => this.queue.length,
    });
    this.reconcilerDeps = { ...deps, cache: this.cache, slots, now: () => new Date(clock.now()), writtenFrom: new Map(), memo: new EvaluationMemo(), reports: new ReportQueue(8, (key, err) => deps.logger.error({ canary: key, err: errorMessage(err) }, 'reporting failed')), batcher: deps.batcher ?? new MetricBatcher(), recorder: new CanaryMetricsRecorder(deps.metrics) };
  }

  get ready(): boolean {
    return this.synced;
  }

  /** Nothing queued, reconciling or reporting: only timers can wake it (a simulated clock moves on then). */
  get idle(): boolean {
    return this.queue.length === 0 && this.queue.active === 0 && this.reconcilerDeps.reports.size === 0;
  }

  async start(): Promise<void> {
    await this.cache.watch(WATCHED);
    for (const canary of this.cache.list(CANARY)) {
      this.index.update('ADDED', canary);
      this.queue.add(keyOf(canary));
    }
    this.resync = setInterval(() => this.index.keys().forEach((key) => this.queue.add(key, 'resync')), this.deps.config.resyncSeconds * 1000);
    this.resync.unref();
    this.workers = Array.from({ length: this.deps.config.workers }, () => this.work());
    this.synced = true;
    this.deps.logger.info({ workers: this.deps.config.workers, namespace: this.deps.config.namespace ?? '(all)' }, 'controller started');
  }

  /** Graceful: no new work, in-flight reconciles finish (their HTTP calls are aborted), then stop. */
  async stop(): Promise<void> {
    if (this.resync) clearInterval(this.resync);
    this.scheduler.stop();
    this.queue.shutdown();
    this.abort.abort();
    await Promise.all(this.workers);
    // Events and alerts already decided get a moment to go out (post-rollout hooks were cancelled).
    await this.reconcilerDeps.reports.drain(REPORT_DRAIN_MS);
    this.cache.stop();
    this.deps.logger.info('controller stopped');
  }

  /** A Deployment, Service, config, route… changed: wake the Canaries of its namespace that may care. */
  private enqueueOwners(obj: KubeObject): void {
    const name = obj.metadata.name ?? '';
    for (const { key, target } of this.index.inNamespace(obj.metadata.namespace)) {
      if (obj.kind === 'Deployment' && target && name !== target && name !== `${target}-primary`) continue;
      this.queue.add(key);
    }
  }

  private countRestarts(): void {
    this.countInformers('restarts', this.deps.metrics.informerRestarts);
    this.countInformers('relists', this.deps.metrics.informerRelists);
  }

  private countInformers(of: 'restarts' | 'relists', metric: Counter<'kind'>): void {
    const counted = this.informerCounted[of];
    for (const [kind, count] of this.cache.informerCounts(of)) {
      const before = counted.get(kind) ?? 0;
      if (count > before) metric.inc({ kind }, count - before);
      counted.set(kind, count);
    }
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      await this.process(key);
      this.queue.done(key);
    }
  }

  /**
   * A decision that lost a race with another writer is made again soon, but not in a tight loop:
   * a writer that keeps changing the Canary (a second controller, say) slows it down, it never spins.
   */
  private afterConflict(key: string): number {
    const streak = (this.conflictStreaks.get(key) ?? 0) + 1;
    this.conflictStreaks.set(key, streak);
    return Math.min(MAX_CONFLICT_BACKOFF_MS, CONFLICT_BACKOFF_MS * 2 ** (streak - 1));
  }

  /** A step due comes back as an event; nothing due, as an idle re-check behind any event. */
  private settled(key: string, requeueAfterMs: number | null): void {
    this.conflictStreaks.delete(key);
    if (requeueAfterMs === null) this.scheduler.schedule(key, this.deps.config.resyncSeconds * 1000, 'resync');
    else this.scheduler.schedule(key, requeueAfterMs);
  }

  private async process(key: string): Promise<void> {
    const timer = this.deps.metrics.reconcileDuration.startTimer();
    try {
      const { requeueAfterMs, conflict } = await reconcile(this.reconcilerDeps, key, this.abort.signal);
      this.failures.delete(key);
      if (conflict) this.scheduler.schedule(key, this.afterConflict(key));
      else this.settled(key, requeueAfterMs);
      timer({ result: 'ok' });
    } catch (err) {
      if (err instanceof ShutdownError) {
        timer({ result: 'shutdown' });
        return;
      }
      const attempts = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, attempts);
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** (attempts - 1));
      this.deps.metrics.reconcileErrors.inc({ reason: err instanceof Error ? err.name : 'unknown' });
      this.deps.logger.error({ canary: key, attempts, retryInMs: delay, err: errorMessage(err) }, 'reconcile failed');
      this.scheduler.schedule(key, delay);
      timer({ result: 'error' });
    } finally {
      this.countRestarts();
    }
  }
}

export { keyOf };
