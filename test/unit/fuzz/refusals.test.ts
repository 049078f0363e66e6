import { describe, expect, it } from 'vitest';
import { validateYamlText } from '../../../src/cli/validate-report.js';
import { parseManifests } from '../../../src/gitops/manifests.js';

const HEAD = 'apiVersion: pennant.dev/v1beta1\nkind: Canary\nmetadata:\n  name: podinfo\n';
const CANARY = `${HEAD}spec:\n  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}\n  service: {port: 9898}\n  analysis:\n    interval: 1m\n    threshold: 5\n    stepWeight: 10\n`;
const BOMB = `${HEAD}spec:\n  a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n`;

const errorsOf = (text: string): string[] =>
  validateYamlText('f.yaml', text).documents.flatMap((d) => d.issues.filter((i) => i.severity === 'error').map((i) => `${i.field}: ${i.message}`));
const problemsOf = (text: string): string[] => {
  const result = parseManifests([{ path: 'f.yaml', text }], 'default');
  return result.ok ? [] : result.problems.map((p) => p.message);
};

describe('manifests the controller must refuse with a clear error, not a crash', () => {
  it.each<[string, string, string]>([
    ['an alias bomb', BOMB, 'yaml: aliases expand to more than 1000 nodes'],
    ['a field named like an Object method', CANARY.replace('    threshold: 5\n', '    threshold: 5\n    constructor: 1\n'), 'spec.analysis.constructor: unknown field "constructor"'],
    ['a duplicate key', CANARY.replace('    threshold: 5\n', '    threshold: 5\n    threshold: 6\n'), 'yaml: duplicate key "threshold": Map keys must be unique'],
    ['nesting deeper than the parser follows', CANARY.replace('{port: 9898}', `{port: ${'['.repeat(5000)}${']'.repeat(5000)}}`), 'spec.service: nested too deep for the YAML parser'],
    ['nesting deeper than any object', CANARY.replace('{port: 9898}', `{port: ${'['.repeat(80)}${']'.repeat(80)}}`), 'spec.service.port[0][0]'],
    ['a ten-MiB document', CANARY.replace('  name: podinfo\n', `  name: podinfo\n  annotations: {big: ${'x'.repeat(10 * 1024 * 1024)}}\n`), "yaml: document is 10.0 MiB, over the API server's 1.5 MiB limit"],
  ])('pennant validate and GitSource sync name %s', (_, text, expected) => {
    expect(errorsOf(text).join('\n')).toContain(expected);
    const [field = '', ...message] = expected.split(': ');
    expect(problemsOf(text).join('\n')).toContain(`${field === 'yaml' ? 'YAML' : field}${message.length ? `: ${message.join(': ')}` : ''}`);
  });
});
