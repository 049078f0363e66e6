import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatPath } from '../../../src/api/issues.js';
import { validateManifest } from '../../../src/api/validate.js';
import { validateYamlText } from '../../../src/cli/validate-report.js';
import { type ExampleSet, exampleDir, loadExamples, meshProviderOf, MISSING_EXAMPLES } from './flagger-examples.js';

const complete = loadExamples('complete');
const fragments = loadExamples('fragments');
const e2e = loadExamples('e2e');

const errorsOf = (set: ExampleSet, file: string, doc: unknown): string[] =>
  validateManifest(doc, { defaultProvider: meshProviderOf(set, file) })
    .filter((issue) => issue.severity === 'error')
    .map((issue) => `${formatPath(issue.path)}: ${issue.message}`);

const unsupported = (provider: string): string =>
  `spec.provider: provider ${provider} is not supported by this version of Pennant yet (supported: kubernetes, gatewayapi:v1, gatewayapi:v1beta1, istio, nginx, contour, traefik)`;
const SERVICE_TARGET = 'spec.targetRef.kind: targetRef.kind Service is not supported yet by this version of Pennant; use a Deployment';
const DAEMONSET_TARGET = 'spec.targetRef.kind: targetRef.kind DaemonSet is not supported yet by this version of Pennant; use a Deployment';
const metricType = (type: string): string => `spec.provider.type: metric provider ${type} is not supported yet (supported: prometheus)`;

/**
 * The complete manifests (docs and e2e) that Pennant refuses, and why: each needs a provider, target
 * kind or metric provider this build does not support. Every other one is valid (warnings allowed);
 * a new refusal must be added here, on purpose. (test/unit/controller/agreement.test.ts checks the
 * controller refuses exactly these, with the same words.)
 */
const REFUSED: Record<string, string[]> = {
  'docs_gitbook_tutorials_apisix-progressive-delivery_1_Canary.yaml': [unsupported('apisix')],
  'docs_gitbook_tutorials_gloo-progressive-delivery_1_Canary.yaml': [unsupported('gloo')],
  'docs_gitbook_tutorials_knative-progressive-delivery_1_Canary.yaml': [unsupported('knative'), SERVICE_TARGET],
  'docs_gitbook_tutorials_kuma-progressive-delivery_0_Canary.yaml': [unsupported('kuma')],
  'docs_gitbook_tutorials_skipper-progressive-delivery_2_Canary.yaml': [unsupported('skipper')],
  'docs_gitbook_usage_metrics_12_MetricTemplate.yaml': [metricType('datadog')],
  'docs_gitbook_usage_metrics_14_MetricTemplate.yaml': [metricType('cloudwatch')],
  'docs_gitbook_usage_metrics_17_MetricTemplate.yaml': [metricType('newrelic')],
  'docs_gitbook_usage_metrics_19_MetricTemplate.yaml': [metricType('graphite')],
  'docs_gitbook_usage_metrics_23_MetricTemplate.yaml': [metricType('stackdriver')],
  'docs_gitbook_usage_metrics_24_MetricTemplate.yaml': [metricType('influxdb')],
  'docs_gitbook_usage_metrics_26_MetricTemplate.yaml': [metricType('dynatrace')],
  'docs_gitbook_usage_metrics_28_MetricTemplate.yaml': [metricType('keptn')],
  'docs_gitbook_usage_metrics_31_MetricTemplate.yaml': [metricType('splunk')],
  'docs_gitbook_usage_metrics_34_MetricTemplate.yaml': [metricType('externalmetrics')],
  'apisix-canary-1.yaml': [unsupported('apisix')],
  'gloo-canary-1.yaml': [unsupported('gloo')],
  'gloo-canary-2.yaml': [unsupported('gloo')],
  'gloomesh-canary-1.yaml': [
    'spec.provider: must be one of apisix, appmesh, appmesh:v1beta2, contour, gatewayapi:v1, gatewayapi:v1beta1, gloo, istio, knative, kubernetes, kuma, linkerd, nginx, osm, skipper, smi:v1alpha1, smi:v1alpha2, smi:v1alpha3, traefik; got "gloo-mesh"',
    'spec.routeTableRef: unknown field "routeTableRef"',
  ],
  'knative-canary-1.yaml': [unsupported('knative'), SERVICE_TARGET],
  'knative-canary-2.yaml': [unsupported('knative'), SERVICE_TARGET],
  'kubernetes-daemonset-1.yaml': [DAEMONSET_TARGET],
  'kubernetes-daemonset-2.yaml': [DAEMONSET_TARGET],
  'kuma-canary-1.yaml': [unsupported('kuma')],
  'kuma-canary-2.yaml': [unsupported('kuma')],
  'osm-canary-2.yaml': [unsupported('osm')],
  'osm-canary-3.yaml': [unsupported('osm')],
  'osm-steps-1.yaml': [unsupported('osm')],
  'skipper-canary-1.yaml': [unsupported('skipper')],
  'skipper-e2e-canary-1.yaml': [unsupported('skipper')],
};

describe("Flagger's manifests", () => {
  it('are vendored in the repository', () => {
    for (const set of ['complete', 'fragments', 'e2e'] as const) expect(existsSync(exampleDir(set)), MISSING_EXAMPLES).toBe(true);
    for (const examples of [complete, fragments, e2e]) expect(examples.length, MISSING_EXAMPLES).toBeGreaterThan(0);
  });

  it.each([
    ...complete.map((example) => ({ set: 'complete' as const, ...example })),
    ...e2e.map((example) => ({ set: 'e2e' as const, ...example })),
  ])('$set/$file is valid as pennant.dev/v1beta1, or refused for what Pennant does not support', ({ set, file, text }) => {
    expect(errorsOf(set, file, parse(text))).toEqual(REFUSED[file] ?? []);
  });

  it('lists only refusals of manifests that exist', () => {
    const files = new Set([...complete, ...e2e].map((example) => example.file));
    expect(Object.keys(REFUSED).filter((file) => !files.has(file))).toEqual([]);
  });

  it.each([...complete, ...fragments, ...e2e])('$file is rejected under flagger.app with the apiVersion hint', ({ original }) => {
    const issue = validateManifest(parse(original)).find((i) => formatPath(i.path) === 'apiVersion');
    expect(issue?.message).toMatch(/^must be pennant\.dev\/v1beta1, got "flagger\.app\/v1(beta1|alpha1)"$/);
    expect(issue?.hint).toContain('change apiVersion to pennant.dev/v1beta1');
  });
});

/** The field each fragment leaves out (or blank), and the line an editor should jump to. */
const FRAGMENT_ERRORS: Record<string, { field: string; line: number; message?: string }> = {
  'docs_gitbook_faq_12_Canary.yaml': { field: 'spec.targetRef', line: 6 },
  'docs_gitbook_faq_15_Canary.yaml': { field: 'spec.targetRef', line: 6 },
  'docs_gitbook_faq_20_Canary.yaml': { field: 'spec.targetRef', line: 5 },
  'docs_gitbook_faq_21_Canary.yaml': { field: 'spec.targetRef', line: 3 },
  'docs_gitbook_faq_22_Canary.yaml': { field: 'spec.targetRef', line: 3 },
  'docs_gitbook_faq_2_Canary.yaml': { field: 'spec.analysis', line: 6 },
  'docs_gitbook_faq_5_Canary.yaml': { field: 'spec.targetRef', line: 3 },
  'docs_gitbook_tutorials_gatewayapi-progressive-delivery_10_Canary.yaml': { field: 'spec.targetRef', line: 6 },
  'docs_gitbook_tutorials_gatewayapi-progressive-delivery_6_Canary.yaml': { field: 'spec.targetRef', line: 6 },
  'docs_gitbook_tutorials_gatewayapi-progressive-delivery_7_Canary.yaml': { field: 'spec.targetRef', line: 6 },
  'docs_gitbook_tutorials_gatewayapi-progressive-delivery_8_Canary.yaml': { field: 'spec.analysis', line: 6 },
  'docs_gitbook_tutorials_gatewayapi-progressive-delivery_9_Canary.yaml': { field: 'spec.service.port', line: 7 },
  'docs_gitbook_tutorials_istio-progressive-delivery_3_Canary.yaml': { field: 'spec.targetRef', line: 6 },
  'docs_gitbook_tutorials_istio-progressive-delivery_5_Canary.yaml': { field: 'spec.targetRef', line: 4 },
  'docs_gitbook_tutorials_zero-downtime-deployments_6_Canary.yaml': { field: 'metadata.name', line: 1 },
  'docs_gitbook_usage_metrics_10_MetricTemplate.yaml': { field: 'spec.query', line: 6 },
  'docs_gitbook_usage_metrics_1_MetricTemplate.yaml': {
    field: 'spec.provider.type',
    line: 7,
    message: 'required, but the value is empty',
  },
  'docs_gitbook_usage_metrics_22_MetricTemplate.yaml': { field: 'spec.query', line: 6 },
};

describe("Flagger's documentation fragments", () => {
  it('each have an expected error in this table', () => {
    expect(fragments.map((f) => f.file).sort()).toEqual(Object.keys(FRAGMENT_ERRORS).sort());
  });

  it.each(fragments)('fragments/$file is rejected naming the field and its line', ({ file, text }) => {
    const expected = FRAGMENT_ERRORS[file];
    const [doc] = validateYamlText(file, text).documents;
    expect(doc?.status).toBe('invalid');
    const issue = doc?.issues.find((i) => i.field === expected?.field);
    expect(issue, `no issue on ${expected?.field} in ${JSON.stringify(doc?.issues)}`).toBeDefined();
    expect(issue?.line).toBe(expected?.line);
    expect(issue?.message).toBe(expected?.message ?? 'required');
    expect(issue?.hint).not.toBe('');
  });
});
