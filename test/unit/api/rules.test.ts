import { describe, expect, it } from 'vitest';
import { alertProviderSpec } from '../../../src/api/alert-provider.js';
import { type CanarySpec, canarySpec } from '../../../src/api/canary.js';
import { formatPath } from '../../../src/api/issues.js';
import { checkAlertProviderRules, checkCanaryRules } from '../../../src/api/rules.js';

/** A spec every rule accepts; each row below breaks exactly one rule. */
const validSpec = (): Record<string, unknown> => ({
  targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
  service: { port: 9898 },
  analysis: {
    interval: '1m',
    threshold: 5,
    stepWeight: 10,
    maxWeight: 50,
    metrics: [
      { name: 'request-success-rate', thresholdRange: { min: 99 } },
      { name: 'latency', templateRef: { name: 'latency' }, thresholdRange: { max: 0.5 } },
    ],
    webhooks: [
      { name: 'gate', type: 'confirm-promotion', url: 'http://gate/', deadline: '1h' },
      { name: 'load-test', url: 'http://loadtester/' },
    ],
    sessionAffinity: { cookieName: 'canary', primaryCookieName: 'primary' },
  },
});

type Analysis = Record<string, unknown> & { metrics: Array<Record<string, unknown>>; webhooks: Array<Record<string, unknown>> };

function specWith(change: (spec: Record<string, unknown>, analysis: Analysis) => void): CanarySpec {
  const spec = validSpec();
  change(spec, spec.analysis as Analysis);
  return canarySpec.parse(spec);
}

const findings = (spec: CanarySpec): string[] =>
  checkCanaryRules(spec).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);

describe('checkCanaryRules', () => {
  it('accepts a spec that breaks no rule', () => {
    expect(findings(specWith(() => {}))).toEqual([]);
  });

  it.each<[string, (spec: Record<string, unknown>, analysis: Analysis) => void, string]>([
    ['no strategy', (_, a) => delete a.stepWeight,
      'spec.analysis: one of stepWeight, stepWeights or iterations is required'],
    ['two strategies', (_, a) => (a.iterations = 10),
      'spec.analysis.iterations: stepWeight and iterations are both set; set exactly one of stepWeight, stepWeights or iterations'],
    ['three strategies', (_, a) => Object.assign(a, { iterations: 10, stepWeights: [10, 20], maxWeight: undefined }),
      'spec.analysis.stepWeights: stepWeight, stepWeights and iterations are all set; set exactly one of stepWeight, stepWeights or iterations'],
    ['a zero stepWeight', (_, a) => (a.stepWeight = 0),
      'spec.analysis.stepWeight: must be at least 1: a step of 0 never moves traffic'],
    ['stepWeights out of order', (_, a) => Object.assign(a, { stepWeight: undefined, maxWeight: undefined, stepWeights: [10, 30, 20] }),
      'spec.analysis.stepWeights[2]: must be greater than the step before it (30), got 20'],
    ['a repeated step weight', (_, a) => Object.assign(a, { stepWeight: undefined, maxWeight: undefined, stepWeights: [10, 10] }),
      'spec.analysis.stepWeights[1]: must be greater than the step before it (10), got 10'],
    ['a step weight of 0', (_, a) => Object.assign(a, { stepWeight: undefined, maxWeight: undefined, stepWeights: [0, 10] }),
      'spec.analysis.stepWeights[0]: must be between 1 and 100, got 0'],
    ['maxWeight contradicting stepWeights', (_, a) => Object.assign(a, { stepWeight: undefined, stepWeights: [10, 20, 80] }),
      'spec.analysis.maxWeight: maxWeight (50) is ignored when stepWeights is set: promotion follows the last step (80)'],
    ['no interval', (_, a) => delete a.interval, 'spec.analysis.interval: required'],
    ['no threshold', (_, a) => delete a.threshold, 'spec.analysis.threshold: required'],
    ['a Deployment without service', (s) => delete s.service, 'spec.service: required when targetRef.kind is Deployment'],
    ['a DaemonSet without service', (s) => Object.assign(s, { service: undefined, targetRef: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'x' } }),
      'spec.service: required when targetRef.kind is DaemonSet'],
    ['a custom metric without a source', (_, a) => a.metrics.push({ name: 'error-rate' }),
      'spec.analysis.metrics[2].name: "error-rate" is not a builtin metric (request-success-rate, request-duration) and has no templateRef or query'],
    ['a misspelt builtin metric', (_, a) => a.metrics.push({ name: 'request-sucess-rate' }),
      'spec.analysis.metrics[2].name: "request-sucess-rate" is not a builtin metric (request-success-rate, request-duration) and has no templateRef or query'],
    ['a metric with templateRef and query', (_, a) => a.metrics.push({ name: 'x', templateRef: { name: 'x' }, query: 'up' }),
      'spec.analysis.metrics[2].query: templateRef and query are both set'],
    ['duplicate metric names', (_, a) => a.metrics.push({ name: 'request-success-rate' }),
      'spec.analysis.metrics[2].name: duplicate metric name "request-success-rate" (also metrics[0])'],
    ['duplicate webhook names', (_, a) => a.webhooks.push({ name: 'gate', url: 'http://other/' }),
      'spec.analysis.webhooks[2].name: duplicate webhook name "gate" (also webhooks[0])'],
    ['a deadline on a rollout hook', (_, a) => a.webhooks.push({ name: 'late', url: 'http://x/', deadline: '1h' }),
      'spec.analysis.webhooks[2].deadline: deadline applies only to confirm-rollout, confirm-traffic-increase and confirm-promotion hooks, not to rollout (the default type)'],
    ['a deadline on a post-rollout hook', (_, a) => a.webhooks.push({ name: 'late', type: 'post-rollout', url: 'http://x/', deadline: '1h' }),
      'spec.analysis.webhooks[2].deadline: deadline applies only to confirm-rollout, confirm-traffic-increase and confirm-promotion hooks, not to post-rollout'],
    ['the same cookie for primary and canary', (_, a) => (a.sessionAffinity = { cookieName: 'c', primaryCookieName: 'c' }),
      'spec.analysis.sessionAffinity.primaryCookieName: must differ from cookieName ("c")'],
  ])('reports %s', (_name, change, expected) => {
    expect(findings(specWith(change))).toEqual([expected]);
  });

  it('suggests the builtin a misspelt metric name was meant to be', () => {
    const [issue] = checkCanaryRules(specWith((_, a) => a.metrics.push({ name: 'request-duraton' })));
    expect(issue?.hint).toBe('did you mean "request-duration"?');
  });

  it.each([
    ['iterations alone (blue/green)', { stepWeight: undefined, maxWeight: undefined, iterations: 10 }],
    ['stepWeights ending at maxWeight', { stepWeight: undefined, stepWeights: [10, 25, 50] }],
    ['a Service target without service', { targetRef: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'x' } }],
  ])('accepts %s', (_name, patch) => {
    const spec = specWith((s, a) => {
      if ('targetRef' in patch) Object.assign(s, patch, { service: undefined });
      else Object.assign(a, patch);
    });
    expect(findings(spec)).toEqual([]);
  });
});

describe('checkCanaryRules: a DaemonSet target', () => {
  const daemonSet = (autoscalerRef?: Record<string, unknown>) => specWith((s) => Object.assign(s, {
    targetRef: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'podinfo' },
    ...(autoscalerRef ? { autoscalerRef } : {}),
  }));

  it('is accepted as a Deployment is', () => {
    expect(findings(daemonSet())).toEqual([]);
  });

  it('with an autoscalerRef is a warning: the HPA is ignored', () => {
    const issues = checkCanaryRules(daemonSet({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'podinfo' }));
    expect(issues.map((i) => [i.severity, `${formatPath(i.path)}: ${i.message}`])).toEqual([
      ['warning', 'spec.autoscalerRef: ignored when targetRef.kind is DaemonSet: a DaemonSet runs one pod per node and has no replicas to scale'],
    ]);
  });
});

describe('checkAlertProviderRules', () => {
  it.each([
    [{ type: 'slack', address: 'https://hooks.slack.com/x' }, []],
    [{ type: 'slack', secretRef: { name: 'slack' } }, []],
    // Flagger's CRD rejects both; its docs show both and say secretRef wins, so we accept it
    [{ type: 'slack', address: 'https://hooks.slack.com/x', secretRef: { name: 'slack' } }, []],
    [{ type: 'slack' }, ['spec: one of address or secretRef is required']],
  ])('%j → %j', (spec, expected) => {
    const issues = checkAlertProviderRules(alertProviderSpec.parse(spec));
    expect(issues.map((i) => `${formatPath(i.path)}: ${i.message}`)).toEqual(expected);
  });
});
