import type { Canary, CanaryMetric } from '../api/index.js';

/** What a query template can refer to: `{{ namespace }}`, …, `{{ variables.key }}`. */
export interface TemplateVars {
  name: string;
  namespace: string;
  target: string;
  service: string;
  ingress: string;
  route: string;
  interval: string;
  variables: Readonly<Record<string, string>>;
}

export const DEFAULT_METRIC_INTERVAL = '1m';

/** Facts the caller observed elsewhere, which the Canary alone does not hold. */
export interface ObservedVars {
  /** Knative: the Service's latest created revision, which Flagger uses as `route`. */
  route?: string;
}

/**
 * The variables of one metric of one Canary. Flagger defaults `interval` to 1m only for builtin and
 * inline-query checks, so a MetricTemplate without `interval` renders an empty string and breaks; we
 * default it everywhere.
 */
export function buildTemplateVars(canary: Canary, metric: CanaryMetric, observed: ObservedVars = {}): TemplateVars {
  const { spec } = canary;
  const target = spec.targetRef.name;
  return {
    name: canary.metadata.name ?? target,
    namespace: canary.metadata.namespace ?? 'default',
    target,
    service: spec.service?.name ?? target,
    ingress: spec.ingressRef?.name ?? target,
    route: observed.route ?? spec.routeRef?.name ?? target,
    interval: metric.interval ?? DEFAULT_METRIC_INTERVAL,
    variables: metric.templateVariables ?? {},
  };
}
