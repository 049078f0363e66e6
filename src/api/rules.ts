import type { AlertProviderSpec } from './alert-provider.js';
import type { CanaryAnalysis, CanarySpec } from './canary.js';
import { BUILTIN_METRICS } from './capabilities.js';
import { errorIssue, type RuleIssue, type ValidationIssue, warningIssue } from './issues.js';
import { closest } from './suggest.js';

/**
 * Cross-field rules: what a single field's schema cannot say. Pure functions over a spec that already
 * passed its zod schema; paths start at the object root (`spec.analysis.stepWeights[2]`). What a
 * provider supports is checked apart, against the capability table (provider-rules.ts).
 */
export interface CanaryRule {
  name: string;
  /** `warning`: Flagger accepts it and Pennant runs it, but part of it is ignored; default `error`. */
  severity?: 'warning';
  check: (spec: CanarySpec) => RuleIssue[];
}
export const GATE_HOOKS = ['confirm-rollout', 'confirm-traffic-increase', 'confirm-promotion'] as const;

const ANALYSIS = ['spec', 'analysis'] as const;
const STRATEGY_FIELDS = ['stepWeight', 'stepWeights', 'iterations'] as const;
const STRATEGY_MEANING: Record<(typeof STRATEGY_FIELDS)[number], string> = {
  stepWeight: 'stepWeight shifts traffic in equal steps up to maxWeight',
  stepWeights: 'stepWeights shifts traffic through the listed weights',
  iterations: 'iterations runs that many checks without weight steps (A/B testing, blue/green)',
};

const list = (names: readonly string[]): string =>
  names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;

/** Flagger's CRD demands exactly one (a oneOf); the CRD we generate says the same in CEL. */
function oneStrategy(spec: CanarySpec): RuleIssue[] {
  const set = STRATEGY_FIELDS.filter((field) => spec.analysis[field] !== undefined);
  if (set.length === 1) return [];
  if (set.length === 0) {
    return [{
      path: [...ANALYSIS],
      message: 'one of stepWeight, stepWeights or iterations is required',
      hint: `set one: ${STRATEGY_FIELDS.map((f) => STRATEGY_MEANING[f]).join('; ')}`,
    }];
  }
  const both = set.length === 2 ? 'both' : 'all';
  return [{
    path: [...ANALYSIS, set[1] as string],
    message: `${list(set)} are ${both} set; set exactly one of stepWeight, stepWeights or iterations`,
    hint: `keep one and remove the ${set.length === 2 ? 'other' : 'others'}: ${set.map((f) => STRATEGY_MEANING[f]).join('; ')}`,
  }];
}

function weights(spec: CanarySpec): RuleIssue[] {
  const { stepWeight, stepWeights } = spec.analysis;
  const issues: RuleIssue[] = [];
  if (stepWeight === 0) {
    const message = 'must be at least 1: a step of 0 never moves traffic';
    issues.push({ path: [...ANALYSIS, 'stepWeight'], message, hint: 'use a step such as 10' });
  }
  (stepWeights ?? []).forEach((weight, index) => {
    const previous = index > 0 ? stepWeights?.[index - 1] : undefined;
    const path = [...ANALYSIS, 'stepWeights', index];
    if (weight < 1 || weight > 100) {
      const hint = 'step weights are percentages of traffic sent to the canary';
      issues.push({ path, message: `must be between 1 and 100, got ${weight}`, hint });
    } else if (previous !== undefined && weight <= previous) {
      const hint = 'list the weights in strictly ascending order, e.g. [5, 10, 20, 50]';
      issues.push({ path, message: `must be greater than the step before it (${previous}), got ${weight}`, hint });
    }
  });
  return issues;
}

/** With stepWeights, promotion follows the last step: a different maxWeight says the author expects otherwise. */
function maxWeightWithSteps(spec: CanarySpec): RuleIssue[] {
  const { maxWeight, stepWeights } = spec.analysis;
  const last = stepWeights?.[stepWeights.length - 1];
  if (maxWeight === undefined || last === undefined || maxWeight === last) return [];
  return [{
    path: [...ANALYSIS, 'maxWeight'],
    message: `maxWeight (${maxWeight}) is ignored when stepWeights is set: promotion follows the last step (${last})`,
    hint: `remove maxWeight, or make the last step weight ${maxWeight}`,
  }];
}

/** Flagger's CRD requires both; defaults would hide a typo. */
function timing(spec: CanarySpec): RuleIssue[] {
  const missing: Array<[keyof CanaryAnalysis, string]> = [
    ['interval', 'add interval: the time between analysis steps, e.g. 1m'],
    ['threshold', 'add threshold: the number of failed checks before rollback, e.g. 5'],
  ];
  return missing
    .filter(([field]) => spec.analysis[field] === undefined)
    .map(([field, hint]) => ({ path: [...ANALYSIS, field], message: 'required', hint }));
}

/** Deployments and DaemonSets get generated Services, which need a port. */
function serviceForWorkloads(spec: CanarySpec): RuleIssue[] {
  const kind = spec.targetRef.kind;
  if (spec.service !== undefined || (kind !== 'Deployment' && kind !== 'DaemonSet')) return [];
  return [{
    path: ['spec', 'service'],
    message: `required when targetRef.kind is ${kind}`,
    hint: 'add service.port: the ClusterIP port of the Services Pennant generates for the target, e.g. 80',
  }];
}

/** A DaemonSet runs one pod per node: an autoscaler has no replicas to scale, and Pennant makes no primary one. */
function autoscalerOnDaemonSet(spec: CanarySpec): RuleIssue[] {
  if (spec.targetRef.kind !== 'DaemonSet' || spec.autoscalerRef === undefined) return [];
  return [{
    path: ['spec', 'autoscalerRef'],
    message: 'ignored when targetRef.kind is DaemonSet: a DaemonSet runs one pod per node and has no replicas to scale',
    hint: 'remove autoscalerRef',
  }];
}

export const CANARY_RULES: readonly CanaryRule[] = [
  { name: 'one-strategy', check: oneStrategy },
  { name: 'weights', check: weights },
  { name: 'max-weight-with-steps', severity: 'warning', check: maxWeightWithSteps },
  { name: 'timing', check: timing },
  { name: 'service-for-workloads', check: serviceForWorkloads },
  { name: 'autoscaler-on-daemonset', severity: 'warning', check: autoscalerOnDaemonSet },
  { name: 'metric-source', check: (spec) => metricSources(spec.analysis) },
  { name: 'unique-names', check: (spec) => uniqueNames(spec.analysis) },
  { name: 'deadline-on-gates', check: (spec) => deadlines(spec.analysis) },
  { name: 'session-cookies', check: (spec) => sessionCookies(spec.analysis) },
];

export function checkCanaryRules(spec: CanarySpec): ValidationIssue[] {
  return CANARY_RULES.flatMap((rule) => rule.check(spec).map((issue) => (rule.severity === 'warning' ? warningIssue(issue) : errorIssue(issue))));
}

function metricSources(analysis: CanaryAnalysis): RuleIssue[] {
  return (analysis.metrics ?? []).flatMap((metric, index): RuleIssue[] => {
    const path = [...ANALYSIS, 'metrics', index];
    if (metric.templateRef !== undefined && metric.query !== undefined) {
      return [{
        path: [...path, 'query'],
        message: 'templateRef and query are both set',
        hint: 'remove query (deprecated) and keep the query in the referenced MetricTemplate',
      }];
    }
    const builtins: readonly string[] = BUILTIN_METRICS;
    if (metric.templateRef !== undefined || metric.query !== undefined || builtins.includes(metric.name)) return [];
    const near = closest(metric.name, BUILTIN_METRICS);
    const builtinList = BUILTIN_METRICS.join(', ');
    return [{
      path: [...path, 'name'],
      message: `"${metric.name}" is not a builtin metric (${builtinList}) and has no templateRef or query`,
      hint: near !== undefined
        ? `did you mean "${near}"?`
        : 'add templateRef: {name: <MetricTemplate>}, or use a builtin metric name',
    }];
  });
}

function uniqueNames(analysis: CanaryAnalysis): RuleIssue[] {
  const lists = [
    { field: 'metrics', what: 'metric', items: analysis.metrics ?? [] },
    { field: 'webhooks', what: 'webhook', items: analysis.webhooks ?? [] },
  ];
  return lists.flatMap(({ field, what, items }) => {
    const first = new Map<string, number>();
    return items.flatMap((item, index): RuleIssue[] => {
      const earlier = first.get(item.name);
      if (earlier === undefined) {
        first.set(item.name, index);
        return [];
      }
      return [{
        path: [...ANALYSIS, field, index, 'name'],
        message: `duplicate ${what} name "${item.name}" (also ${field}[${earlier}])`,
        hint: `give each ${what} a unique name: results, events and status are keyed by it`,
      }];
    });
  });
}

function deadlines(analysis: CanaryAnalysis): RuleIssue[] {
  const gates: readonly string[] = GATE_HOOKS;
  return (analysis.webhooks ?? []).flatMap((hook, index): RuleIssue[] => {
    if (hook.deadline === undefined || gates.includes(hook.type ?? '')) return [];
    const type = hook.type === undefined || hook.type === '' ? 'rollout (the default type)' : hook.type;
    return [{
      path: [...ANALYSIS, 'webhooks', index, 'deadline'],
      message: `deadline applies only to ${list(GATE_HOOKS)} hooks, not to ${type}`,
      hint: 'remove deadline, or make this hook a confirm-* gate; use timeout to bound a single call',
    }];
  });
}

function sessionCookies(analysis: CanaryAnalysis): RuleIssue[] {
  const affinity = analysis.sessionAffinity;
  if (affinity === undefined || affinity.primaryCookieName !== affinity.cookieName) return [];
  return [{
    path: [...ANALYSIS, 'sessionAffinity', 'primaryCookieName'],
    message: `must differ from cookieName ("${affinity.cookieName}")`,
    hint: 'one cookie pins users to the canary, the other to the primary: give them different names',
  }];
}

/** Flagger's CRD says exactly one; its docs show both and say secretRef wins, so both is accepted. */
export function checkAlertProviderRules(spec: AlertProviderSpec): RuleIssue[] {
  if (spec.address !== undefined || spec.secretRef !== undefined) return [];
  return [{
    path: ['spec'],
    message: 'one of address or secretRef is required',
    hint: 'set secretRef.name to a Secret whose "address" key holds the webhook URL (URLs are secrets), or set address',
  }];
}
