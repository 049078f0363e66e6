import { adaptToProvider } from './adaptation.js';
import type { CanarySpec, Provider } from './canary.js';
import {
  BUILTIN_METRICS, METRIC_PROVIDER_REQUIRES, type MetricProviderType, providerSupport, SUPPORTED_METRIC_PROVIDERS, SUPPORTED_PROVIDERS,
  SUPPORTED_TARGET_KINDS, type TargetKind, unsupportedMetricProvider, unsupportedProvider, unsupportedTargetKind,
} from './capabilities.js';
import { errorIssue, type ValidationIssue, warningIssue } from './issues.js';
import type { MetricTemplateSpec } from './metric-template.js';

/**
 * A Canary against the capability table: what the controller refuses (a provider or target kind this
 * build cannot run, a builtin metric the provider has none of) is an error; a feature the provider
 * lacks, which the engine adapts or ignores, is a warning saying what happens instead.
 */
export function checkProviderSupport(spec: CanarySpec, defaultProvider: Provider): ValidationIssue[] {
  const name = spec.provider ?? defaultProvider;
  const issues = targetKindIssues(spec.targetRef.kind);
  const support = providerSupport(name);
  if (support === undefined) {
    const hint = spec.provider === undefined
      ? `the Canary sets no provider and the default (--provider) is ${name}: set spec.provider to one of ${SUPPORTED_PROVIDERS.join(', ')}`
      : `use one of ${SUPPORTED_PROVIDERS.join(', ')}, or a Flagger controller for this Canary`;
    return [errorIssue({ path: ['spec', 'provider'], message: unsupportedProvider(name), hint }), ...issues];
  }
  const kind = spec.targetRef.kind;
  if (issues.length === 0 && !support.targetKinds.includes(kind)) {
    issues.push(errorIssue({ path: ['spec', 'targetRef', 'kind'], message: `provider ${name} cannot route a ${kind} target`, hint: `targets ${name} can route: ${support.targetKinds.join(', ')}` }));
  }
  (spec.analysis.metrics ?? []).forEach((metric, index) => {
    const builtin = BUILTIN_METRICS.find((b) => b === metric.name);
    if (builtin === undefined || metric.templateRef !== undefined || metric.query !== undefined || support.builtinMetrics.includes(builtin)) return;
    issues.push(errorIssue({ path: ['spec', 'analysis', 'metrics', index, 'name'], message: `provider ${name} has no builtin ${builtin} metric`, hint: 'add a templateRef to a MetricTemplate with the query for your telemetry' }));
  });
  const defaulted = spec.provider === undefined ? ` (the Canary sets no provider: ${name} is the default, from --provider)` : '';
  const notes = adaptToProvider(spec.analysis, name, support.routing).notes;
  return [...issues, ...notes.map((note) => warningIssue({ ...note, hint: `${note.hint}${defaulted}` }))];
}

function targetKindIssues(kind: TargetKind): ValidationIssue[] {
  if (SUPPORTED_TARGET_KINDS.includes(kind)) return [];
  return [errorIssue({ path: ['spec', 'targetRef', 'kind'], message: unsupportedTargetKind(kind), hint: 'Pennant runs canaries of Deployments and DaemonSets; other target kinds are planned' })];
}

/** A MetricTemplate of a type the metric factory cannot query, or without what its provider needs, would fail every check that uses it. */
export function checkMetricTemplateSupport(spec: MetricTemplateSpec): ValidationIssue[] {
  const type: MetricProviderType = spec.provider.type;
  if (!SUPPORTED_METRIC_PROVIDERS.includes(type)) {
    return [errorIssue({
      path: ['spec', 'provider', 'type'],
      message: unsupportedMetricProvider(type),
      hint: `every check using this template would fail; write the query for one of ${SUPPORTED_METRIC_PROVIDERS.join(', ')}`,
    })];
  }
  const missing = (METRIC_PROVIDER_REQUIRES[type] ?? []).filter((field) => !spec.provider[field]?.trim());
  const issues = missing.map((field) => errorIssue({
    path: ['spec', 'provider', field],
    message: `${type} needs provider.${field}`,
    hint: field === 'region' ? 'the AWS region of the metrics, e.g. us-east-1' : `the URL of the ${type} API`,
  }));
  const address = spec.provider.address?.trim();
  if (address && !isProviderUrl(address, type)) {
    issues.push(errorIssue({ path: ['spec', 'provider', 'address'], message: `provider.address "${address}" is not an http(s) URL`, hint: 'e.g. https://metrics.example.com (placeholders such as <REALM> must be filled in)' }));
  }
  return issues;
}

function isProviderUrl(address: string, type: MetricProviderType): boolean {
  try {
    const { protocol } = new URL(address);
    return protocol === 'http:' || protocol === 'https:' || (type === 'splunk' && (protocol === 'ws:' || protocol === 'wss:'));
  } catch {
    return false;
  }
}
