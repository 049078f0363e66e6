import { type Canary, type CanaryStatus, PHASES } from '../api/index.js';
import { isActivePhase, resolveSettings } from '../engine/index.js';
import type { RouterCapabilities, Routes } from '../engine/types.js';
import type { ControllerMetrics } from './metrics.js';

interface SeriesOf {
  name: string;
  namespace: string;
  metrics: Set<string>;
  strategy: string;
}

/**
 * Per-Canary series. As in Flagger, `name` is the target's name. Series of a deleted Canary are
 * removed, and outcome counters start at 0 so that `increase()` sees the first promotion too.
 */
export class CanaryMetricsRecorder {
  private readonly series = new Map<string, SeriesOf>();

  constructor(private readonly m: ControllerMetrics) {}

  record(key: string, canary: Canary, before: CanaryStatus, after: CanaryStatus, routes: Routes | null): void {
    const s = this.seriesFor(key, canary);
    const { name, namespace } = s;
    const phase = after.phase ?? '';
    this.m.status.set({ name, namespace }, phase === 'Failed' ? 2 : isActivePhase(phase) ? 0 : 1);
    for (const p of PHASES) this.m.phase.set({ name, namespace, phase: p }, p === phase ? 1 : 0);
    this.m.failedChecks.set({ name, namespace }, after.failedChecks ?? 0);
    const canaryWeight = routes?.canary ?? after.canaryWeight ?? 0;
    this.m.weight.set({ workload: `${name}-primary`, namespace }, 100 - canaryWeight);
    this.m.weight.set({ workload: name, namespace }, canaryWeight);
    for (const check of after.checks ?? []) {
      if (check.kind !== 'metric' || typeof check.value !== 'number') continue;
      this.m.metricAnalysis.set({ name, namespace, metric: check.name }, check.value);
      s.metrics.add(check.name);
    }
    if (before.phase === phase) return;
    const labels = { name, namespace, deployment_strategy: s.strategy, analysis_status: before.skippedAnalysis ? 'skipped' : 'completed' };
    if (phase === 'Succeeded') this.m.successes.inc(labels);
    if (phase === 'Failed' && isActivePhase(before.phase)) this.m.failures.inc(labels);
  }

  /** The Canary is gone: so are its series. */
  forget(key: string): void {
    const s = this.series.get(key);
    if (!s) return;
    this.series.delete(key);
    const { name, namespace } = s;
    this.m.status.remove({ name, namespace });
    this.m.failedChecks.remove({ name, namespace });
    for (const p of PHASES) this.m.phase.remove({ name, namespace, phase: p });
    this.m.weight.remove({ workload: `${name}-primary`, namespace });
    this.m.weight.remove({ workload: name, namespace });
    for (const metric of s.metrics) this.m.metricAnalysis.remove({ name, namespace, metric });
    for (const analysis of ['completed', 'skipped']) {
      this.m.successes.remove({ name, namespace, deployment_strategy: s.strategy, analysis_status: analysis });
      this.m.failures.remove({ name, namespace, deployment_strategy: s.strategy, analysis_status: analysis });
    }
  }

  private seriesFor(key: string, canary: Canary): SeriesOf {
    const existing = this.series.get(key);
    if (existing) return existing;
    const s: SeriesOf = { name: canary.spec.targetRef.name, namespace: canary.metadata.namespace ?? 'default', metrics: new Set(), strategy: strategyLabel(canary) };
    this.series.set(key, s);
    for (const analysis of ['completed', 'skipped']) {
      const labels = { name: s.name, namespace: s.namespace, deployment_strategy: s.strategy, analysis_status: analysis };
      this.m.successes.inc(labels, 0);
      this.m.failures.inc(labels, 0);
    }
    return s;
  }
}

/** The strategy the spec asks for, whatever the router makes of it. */
const ANY_ROUTER: RouterCapabilities = { provider: 'any', weights: true, match: true, mirror: true, mirrorWeight: true, sessionAffinity: true };

function strategyLabel(canary: Canary): string {
  const strategy = resolveSettings(canary, ANY_ROUTER).strategy;
  return strategy === 'abTesting' ? 'ab-testing' : strategy === 'blueGreen' ? 'blue-green' : 'canary';
}
