import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatPath } from '../../../src/api/issues.js';
import { validateManifest } from '../../../src/api/validate.js';
import { validateYamlText } from '../../../src/cli/validate-report.js';
import { type ExampleSet, exampleDir, loadExamples, meshProviderOf, MISSING_EXAMPLES } from './flagger-examples.js';
import { REFUSED } from './flagger-refusals.js';

const complete = loadExamples('complete');
const fragments = loadExamples('fragments');
const e2e = loadExamples('e2e');

const errorsOf = (set: ExampleSet, file: string, doc: unknown): string[] =>
  validateManifest(doc, { defaultProvider: meshProviderOf(set, file) })
    .filter((issue) => issue.severity === 'error')
    .map((issue) => `${formatPath(issue.path)}: ${issue.message}`);

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
