import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The controller's state that gauges show, read when /metrics is scraped. */
export interface GaugeSources {
  canariesByNamespace(): Map<string, number>;
  analysesRunning(): number;
  scheduled(): number;
  queueDepth(): number;
}

/**
 * Pennant's own metrics, on a private registry. Names mirror Flagger's (`flagger_*` → `pennant_*`)
 * so dashboards port by renaming; `name` is the target's name, as in Flagger.
 */
export class ControllerMetrics {
  readonly registry = new Registry();
  /**
   * Set by the running controller. The gauges below read it at scrape time: counting Canaries per
   * namespace after every reconcile made each reconcile O(Canaries), and a resync O(Canaries²).
   */
  private sources: GaugeSources | undefined;

  /**
   * The process' own: `process_resident_memory_bytes`, CPU, `nodejs_heap_*` by space, GC and
   * event-loop lag (prom-client's defaults, as a Go controller exports `go_*` and `process_*`).
   * Only `pennant run` asks for them: they watch the event loop from the moment they are registered.
   */
  withProcessMetrics(): this {
    collectDefaultMetrics({ register: this.registry });
    return this;
  }
  readonly info = new Gauge({ name: 'pennant_info', help: 'Pennant version and default provider', labelNames: ['version', 'provider'], registers: [this.registry] });
  readonly canaryTotal: Gauge<'namespace'> = new Gauge({
    name: 'pennant_canary_total', help: 'Canaries per namespace', labelNames: ['namespace'], registers: [this.registry],
    collect: () => {
      const counts = this.sources?.canariesByNamespace();
      if (!counts) return;
      this.canaryTotal.reset();
      for (const [namespace, count] of counts) this.canaryTotal.set({ namespace }, count);
    },
  });
  readonly status = new Gauge({ name: 'pennant_canary_status', help: 'Canary state: 0 progressing, 1 idle or succeeded, 2 failed', labelNames: ['name', 'namespace'], registers: [this.registry] });
  readonly phase = new Gauge({ name: 'pennant_canary_phase', help: '1 for the current phase of each Canary', labelNames: ['name', 'namespace', 'phase'], registers: [this.registry] });
  readonly weight = new Gauge({ name: 'pennant_canary_weight', help: 'Traffic weight per workload', labelNames: ['workload', 'namespace'], registers: [this.registry] });
  readonly failedChecks = new Gauge({ name: 'pennant_canary_failed_checks', help: 'Failed checks of the current analysis', labelNames: ['name', 'namespace'], registers: [this.registry] });
  readonly metricAnalysis = new Gauge({ name: 'pennant_canary_metric_analysis', help: 'Last value of each analysis metric', labelNames: ['name', 'namespace', 'metric'], registers: [this.registry] });
  readonly successes = new Counter({ name: 'pennant_canary_successes_total', help: 'Promotions', labelNames: ['name', 'namespace', 'deployment_strategy', 'analysis_status'], registers: [this.registry] });
  readonly failures = new Counter({ name: 'pennant_canary_failures_total', help: 'Rollbacks and failed promotions', labelNames: ['name', 'namespace', 'deployment_strategy', 'analysis_status'], registers: [this.registry] });
  readonly reconcileDuration = new Histogram({ name: 'pennant_reconcile_duration_seconds', help: 'Time of one reconcile', labelNames: ['result'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [this.registry] });
  /** From queued to taken by a worker: workers too few, or events stuck behind idle re-checks, show here. */
  readonly queueWait = new Histogram({ name: 'pennant_workqueue_queue_duration_seconds', help: 'Time a Canary waited in the work queue before a worker took it, by lane (event: a change or a due step; resync: an idle re-check)', labelNames: ['lane'], buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [this.registry] });
  readonly reconcileErrors = new Counter({ name: 'pennant_reconcile_errors_total', help: 'Reconciles that failed and were retried', labelNames: ['reason'], registers: [this.registry] });
  readonly conflicts = new Counter({ name: 'pennant_status_conflicts_total', help: 'Status writes refused with 409 Conflict', registers: [this.registry] });
  readonly queueDepth: Gauge = new Gauge({ name: 'pennant_workqueue_depth', help: 'Keys waiting in the work queue', registers: [this.registry], collect: () => this.sample(this.queueDepth, (s) => s.queueDepth()) });
  readonly scheduled: Gauge = new Gauge({ name: 'pennant_scheduler_entries', help: 'Canaries with a pending wake-up', registers: [this.registry], collect: () => this.sample(this.scheduled, (s) => s.scheduled()) });
  readonly analysesRunning: Gauge = new Gauge({ name: 'pennant_analyses_running', help: 'Analyses holding a slot of --max-concurrent-analyses', registers: [this.registry], collect: () => this.sample(this.analysesRunning, (s) => s.analysesRunning()) });
  readonly informerRestarts = new Counter({ name: 'pennant_informer_restarts_total', help: 'Informer watch restarts', labelNames: ['kind'], registers: [this.registry] });
  readonly informerRelists = new Counter({ name: 'pennant_informer_relists_total', help: 'Informer relists after 410 Gone (the watch resumed from a version the API server no longer had)', labelNames: ['kind'], registers: [this.registry] });
  readonly notifications = new Counter({ name: 'pennant_notifications_total', help: 'Alerts sent', labelNames: ['severity', 'result'], registers: [this.registry] });

  readFrom(sources: GaugeSources): void {
    this.sources = sources;
  }

  private sample(gauge: Gauge, read: (sources: GaugeSources) => number): void {
    if (this.sources) gauge.set(read(this.sources));
  }
}
