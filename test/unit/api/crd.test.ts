import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ALERT_ADDRESS_RULE, buildCrds, crdFiles, type CustomResourceDefinition, GENERATED_HEADER, ONE_STRATEGY_RULE } from '../../../src/api/crd.js';
import type { JsonSchema } from '../../../src/api/json-schema.js';
import { toStructural } from '../../../src/api/structural.js';
import { repoRoot } from './flagger-examples.js';

const crds = buildCrds();
const crd = (kind: string): CustomResourceDefinition => {
  const found = crds.find((c) => c.spec.names.kind === kind);
  if (found === undefined) throw new Error(`no CRD for ${kind}`);
  return found;
};
const schemaOf = (kind: string): JsonSchema => crd(kind).spec.versions[0]?.schema.openAPIV3Schema as JsonSchema;

function nodeAt(root: JsonSchema, dotted: string): JsonSchema {
  let node = root;
  for (const name of dotted.split('.')) {
    const next = name === '[]' ? node.items : node.properties?.[name];
    if (next === undefined) throw new Error(`no ${dotted} in schema`);
    node = next;
  }
  return node;
}

/** Every schema node with its path, to check rules that hold everywhere. */
function* nodes(node: JsonSchema, at = ''): Generator<[string, JsonSchema]> {
  yield [at, node];
  for (const [name, child] of Object.entries(node.properties ?? {})) yield* nodes(child, `${at}.${name}`);
  if (node.items !== undefined) yield* nodes(node.items, `${at}[]`);
  if (typeof node.additionalProperties === 'object') yield* nodes(node.additionalProperties, `${at}.*`);
}

describe('crds/ (generated)', () => {
  const dir = path.join(repoRoot, 'crds');
  const files = crdFiles();

  it('is up to date with the zod schemas', () => {
    const stale = 'crds/ is stale: run `npm run gen:crds` and commit the result';
    expect(existsSync(dir), stale).toBe(true);
    expect(readdirSync(dir).sort(), stale).toEqual(files.map((f) => f.path).sort());
    for (const file of files) {
      expect(readFileSync(path.join(dir, file.path), 'utf8'), `${stale} (${file.path} differs)`).toBe(file.content);
    }
  });

  it('is deterministic and marked as generated', () => {
    expect(crdFiles()).toEqual(files);
    for (const file of files) expect(file.content.startsWith(GENERATED_HEADER)).toBe(true);
    expect(files.map((f) => f.path)).toEqual([
      'canaries.pennant.dev.yaml', 'metrictemplates.pennant.dev.yaml', 'alertproviders.pennant.dev.yaml', 'gitsources.pennant.dev.yaml', 'kustomization.yaml',
    ]);
  });
});

describe('buildCrds: structural schemas', () => {
  it.each(['Canary', 'MetricTemplate', 'AlertProvider'])('%s has a structural schema', (kind) => {
    for (const [at, node] of nodes(schemaOf(kind))) {
      const keys = Object.keys(node);
      expect(keys.filter((k) => ['$ref', '$schema', 'definitions', '$defs', 'oneOf', 'allOf', 'not'].includes(k)), at).toEqual([]);
      expect(node.additionalProperties, at).not.toBe(false);
      const typed = node.type !== undefined || node['x-kubernetes-int-or-string'] === true;
      expect(typed, `${at} has no type`).toBe(true);
      expect([node.minimum, node.maximum], at).not.toContain(Number.MAX_SAFE_INTEGER);
    }
  });

  it('keeps metadata to `type: object` and requires spec', () => {
    const root = schemaOf('Canary');
    expect(nodeAt(root, 'metadata')).toEqual({ type: 'object' });
    expect(root.required).toEqual(['spec']);
  });

  it('writes int-or-string the one way Kubernetes accepts', () => {
    expect(nodeAt(schemaOf('Canary'), 'spec.service.targetPort')).toEqual({
      description: 'Container port number or name (default: port)',
      anyOf: [{ type: 'integer' }, { type: 'string' }],
      'x-kubernetes-int-or-string': true,
    });
  });

  it('keeps descriptions', () => {
    expect(nodeAt(schemaOf('Canary'), 'spec.analysis.stepWeights').description).toBe('Weights to go through, ascending');
  });

  it.each([
    ['Canary', 'spec', ['targetRef', 'analysis']],
    ['Canary', 'spec.analysis', ['interval', 'threshold']],
    ['Canary', 'spec.targetRef', ['apiVersion', 'kind', 'name']],
    ['MetricTemplate', 'spec', ['provider', 'query']],
    ['MetricTemplate', 'spec.provider', ['type']],
    ['AlertProvider', 'spec', ['type']],
  ])("%s requires Flagger's required fields under %s", (kind, at, required) => {
    expect(nodeAt(schemaOf(kind), at).required).toEqual(expect.arrayContaining(required));
  });

  it('says the oneOf rules in CEL, on small objects', () => {
    expect(nodeAt(schemaOf('Canary'), 'spec.analysis')['x-kubernetes-validations']).toEqual([ONE_STRATEGY_RULE]);
    expect(nodeAt(schemaOf('AlertProvider'), 'spec')['x-kubernetes-validations']).toEqual([ALERT_ADDRESS_RULE]);
    // has() is constant-cost: no list or string in these rules needs a maxItems/maxLength bound
    for (const rule of [ONE_STRATEGY_RULE, ALERT_ADDRESS_RULE]) expect(rule.rule).not.toMatch(/\.(all|map|filter)\(|size\(/);
  });

  it('marks loose objects to keep unknown fields', () => {
    const loose = z.object({ data: z.looseObject({ a: z.string() }) });
    expect(toStructural(z.toJSONSchema(loose, { target: 'openapi-3.0', io: 'input' }) as JsonSchema)).toEqual({
      type: 'object',
      properties: { data: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], 'x-kubernetes-preserve-unknown-fields': true } },
      required: ['data'],
    });
  });

  it('refuses a union it cannot express structurally', () => {
    const union = z.object({ x: z.union([z.string(), z.object({ a: z.string() })]) });
    expect(() => toStructural(z.toJSONSchema(union, { target: 'openapi-3.0', io: 'input' }) as JsonSchema)).toThrow(/#\/x: anyOf is not structural/);
  });
});

describe('buildCrds: names and columns', () => {
  it.each([
    ['Canary', 'canaries', 'canary'],
    ['MetricTemplate', 'metrictemplates', 'metrictemplate'],
    ['AlertProvider', 'alertproviders', 'alertprovider'],
  ])('%s is canaries.pennant.dev-style, namespaced, with a status subresource', (kind, plural, singular) => {
    const { metadata, spec } = crd(kind);
    expect(metadata.name).toBe(`${plural}.pennant.dev`);
    expect(spec).toMatchObject({ group: 'pennant.dev', scope: 'Namespaced', names: { kind, plural, singular, listKind: `${kind}List`, categories: ['all', 'pennant'] } });
    expect(spec.versions).toMatchObject([{ name: 'v1beta1', served: true, storage: true, subresources: { status: {} } }]);
  });

  it("shows the Canary's progress, and Flagger's wide columns with -o wide", () => {
    const columns = crd('Canary').spec.versions[0]?.additionalPrinterColumns ?? [];
    expect(columns.filter((c) => c.priority === undefined).map((c) => `${c.name}=${c.jsonPath}`)).toEqual([
      'Status=.status.phase', 'Weight=.status.canaryWeight', 'FailedChecks=.status.failedChecks',
      'LastTransitionTime=.status.lastTransitionTime', 'Age=.metadata.creationTimestamp',
    ]);
    expect(columns.filter((c) => c.priority === 1).map((c) => c.name)).toEqual(['Suspended', 'Interval', 'Mirror', 'StepWeight', 'StepWeights', 'MaxWeight']);
    expect(columns.find((c) => c.name === 'Age')?.type).toBe('date');
  });

  it.each([['MetricTemplate', 'Provider', '.spec.provider.type'], ['AlertProvider', 'Type', '.spec.type']])('%s shows its %s', (kind, name, jsonPath) => {
    expect(crd(kind).spec.versions[0]?.additionalPrinterColumns).toContainEqual({ name, type: 'string', jsonPath });
  });
});
