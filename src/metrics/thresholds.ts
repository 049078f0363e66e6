import type { CanaryMetric } from '../api/index.js';
import type { CheckResult } from '../engine/types.js';
import { errorMessage } from './errors.js';
import { metricSource } from './metric-source.js';

export interface Bounds {
  min?: number;
  max?: number;
}

export const NO_DATA_MESSAGE =
  'no data: the query returned no value (no series, NaN or ±Inf): is traffic reaching the canary?';

/**
 * The bounds a metric is judged against. `thresholdRange` wins; the deprecated `threshold` is a
 * minimum for the builtin success rate and a maximum everywhere else (builtin duration in ms,
 * inline queries, templates), as in Flagger.
 */
export function boundsOf(metric: CanaryMetric): Bounds {
  const range = metric.thresholdRange;
  if (range && (range.min !== undefined || range.max !== undefined)) {
    return { ...(range.min !== undefined && { min: range.min }), ...(range.max !== undefined && { max: range.max }) };
  }
  if (metric.threshold === undefined) return {};
  const source = metricSource(metric);
  const isMin = source.kind === 'builtin' && source.metric === 'request-success-rate';
  return isMin ? { min: metric.threshold } : { max: metric.threshold };
}

/**
 * The verdict on one metric: `value` is the query's outcome (a number, null for no data, or the error).
 * Bounds are inclusive. A metric without any threshold is an error: Flagger then compares against 0
 * (a success rate always passes, a duration or template value almost always fails), which is never
 * what was meant.
 */
export function judge(value: number | null | Error, metric: CanaryMetric, query?: string): CheckResult {
  const bounds = boundsOf(metric);
  const base = { name: metric.name, ...bounds, ...(query !== undefined && { query }) };
  if (value instanceof Error) return { ...base, verdict: 'error', value: null, message: errorMessage(value) };
  if (value === null) return { ...base, verdict: 'noData', value: null, message: NO_DATA_MESSAGE };
  if (bounds.min === undefined && bounds.max === undefined) {
    return { ...base, verdict: 'error', value, message: `${metric.name}: no threshold: set thresholdRange.min and/or thresholdRange.max` };
  }
  if (bounds.min !== undefined && value < bounds.min) {
    return { ...base, verdict: 'fail', value, message: `${metric.name} ${formatNumber(value)} < ${formatNumber(bounds.min)}` };
  }
  if (bounds.max !== undefined && value > bounds.max) {
    return { ...base, verdict: 'fail', value, message: `${metric.name} ${formatNumber(value)} > ${formatNumber(bounds.max)}` };
  }
  return { ...base, verdict: 'pass', value };
}

/** Six significant digits: enough to compare with a threshold, short enough for an event. */
export const formatNumber = (value: number): string => String(Number(value.toPrecision(6)));
