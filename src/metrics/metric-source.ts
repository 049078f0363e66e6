import type { CanaryMetric } from '../api/index.js';
import { isBuiltinMetric, type BuiltinMetric } from './builtin-queries.js';

/** Where a Canary metric's value comes from. */
export type MetricSource =
  | { kind: 'template'; name: string; namespace: string | undefined }
  | { kind: 'inline'; query: string }
  | { kind: 'builtin'; metric: BuiltinMetric }
  | { kind: 'none' };

/**
 * A templateRef wins over an inline query, which wins over a builtin name. (Flagger runs a metric
 * named request-duration that also has a templateRef twice, once per meaning.)
 */
export function metricSource(metric: CanaryMetric): MetricSource {
  if (metric.templateRef) return { kind: 'template', name: metric.templateRef.name, namespace: metric.templateRef.namespace };
  if (metric.query !== undefined && metric.query.trim() !== '') return { kind: 'inline', query: metric.query };
  if (isBuiltinMetric(metric.name)) return { kind: 'builtin', metric: metric.name };
  return { kind: 'none' };
}
