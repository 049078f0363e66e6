import type { Canary, CanaryStatus } from '../api/index.js';
import { isActivePhase, resolveSettings } from '../engine/index.js';
import type { Routes } from '../engine/types.js';
import type { ControllerMetrics } from './metrics.js';

/** Updates the per-Canary gauges and counts outcomes on the transition into them. */
export function recordCanaryMetrics(m: ControllerMetrics, canary: Canary, before: CanaryStatus, after: CanaryStatus, routes: Routes | null): void {
  const name = canary.spec.targetRef.name;
  const namespace = canary.metadata.namespace ?? 'default';
  const phase = after.phase ?? '';
  m.status.set({ name, namespace }, phase === 'Failed' ? 2 : isActivePhase(phase) ? 0 : 1);
  m.failedChecks.set({ name, namespace }, after.failedChecks ?? 0);
  const canaryWeight = routes?.canary ?? after.canaryWeight ?? 0;
  m.weight.set({ workload: `${name}-primary`, namespace }, 100 - canaryWeight);
  m.weight.set({ workload: name, namespace }, canaryWeight);
  for (const check of after.checks ?? []) {
    if (check.kind === 'metric' && typeof check.value === 'number') m.metricAnalysis.set({ name, namespace, metric: check.name }, check.value);
  }
  if (before.phase !== phase) {
    if (before.phase) m.phase.set({ name: canary.metadata.name ?? '', namespace, phase: before.phase }, 0);
    m.phase.set({ name: canary.metadata.name ?? '', namespace, phase }, 1);
    const labels = { name, namespace, deployment_strategy: strategyLabel(canary), analysis_status: before.skippedAnalysis ? 'skipped' : 'completed' };
    if (phase === 'Succeeded' && before.phase !== 'Succeeded') m.successes.inc(labels);
    if (phase === 'Failed' && isActivePhase(before.phase)) m.failures.inc(labels);
  }
}

function strategyLabel(canary: Canary): string {
  const strategy = resolveSettings(canary, { weights: true, match: true, mirror: true }).strategy;
  return strategy === 'abTesting' ? 'ab-testing' : strategy === 'blueGreen' ? 'blue-green' : 'canary';
}
