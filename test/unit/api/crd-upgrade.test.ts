import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { crdFiles } from '../../../src/api/crd.js';
import { type Crd, schemaProblems, upgradeProblems } from './crd-compat.js';

const PREVIOUS = path.resolve(import.meta.dirname, '../../fixtures/crds-previous');
const previous = readdirSync(PREVIOUS).filter((f) => f.endsWith('.yaml')).map((f) => parse(readFileSync(path.join(PREVIOUS, f), 'utf8')) as Crd);
const current = crdFiles().filter((f) => f.path.endsWith('.pennant.dev.yaml')).map((f) => parse(f.content) as Crd);
const currentNamed = (name: string): Crd | undefined => current.find((c) => c.metadata.name === name);

describe('CRD upgrades from the previous release (test/fixtures/crds-previous)', () => {
  it('records every CRD of the previous release', () => {
    expect(previous.map((c) => c.metadata.name).sort()).toEqual(['alertproviders.pennant.dev', 'canaries.pennant.dev', 'gitsources.pennant.dev', 'metrictemplates.pennant.dev']);
  });

  it.each(previous.map((c) => [c.metadata.name, c] as const))('%s: the generated CRD keeps existing objects valid (one storage version, old versions served, nothing newly required, pruned or narrowed)', (name, crd) => {
    expect(upgradeProblems(crd, currentNamed(name))).toEqual([]);
  });
});

describe('upgradeProblems', () => {
  const base = (): Crd => structuredClone(previous.find((c) => c.metadata.name === 'canaries.pennant.dev') as Crd);
  const schema = (crd: Crd) => {
    const found = crd.spec.versions[0]?.schema?.openAPIV3Schema;
    if (!found?.properties?.spec?.properties) throw new Error('the Canary CRD has no spec schema');
    return found.properties.spec;
  };

  it('finds nothing between a CRD and itself', () => {
    expect(upgradeProblems(base(), base())).toEqual([]);
  });

  it.each([
    ['a removed field', (c: Crd) => void delete schema(c).properties?.skipAnalysis, /spec\.skipAnalysis: removed/],
    ['a newly required field', (c: Crd) => void schema(c).required?.push('progressDeadlineSeconds'), /spec\.progressDeadlineSeconds: newly required/],
    ['a changed type', (c: Crd) => void Object.assign(schema(c).properties?.skipAnalysis ?? {}, { type: 'string' }), /spec\.skipAnalysis: type boolean became string/],
    ['a version no longer served', (c: Crd) => void Object.assign(c.spec.versions[0] ?? {}, { served: false }), /v1beta1: no longer served/],
    ['two storage versions', (c: Crd) => void c.spec.versions.push({ ...(c.spec.versions[0] as Crd['spec']['versions'][number]), name: 'v1' }), /2 storage versions/],
    ['a renamed kind', (c: Crd) => void Object.assign(c.spec.names, { kind: 'Rollout' }), /kind or plural changed/],
  ])('reports %s', (_change, mutate, problem) => {
    const after = base();
    mutate(after);
    expect(upgradeProblems(base(), after).join('\n')).toMatch(problem);
  });

  it('reports an enum narrowed or added and tightened bounds', () => {
    expect(schemaProblems('x', { type: 'string', enum: ['a', 'b'] }, { type: 'string', enum: ['a'] })).toEqual(['x: enum value "b" removed']);
    expect(schemaProblems('x', { type: 'string' }, { type: 'string', enum: ['a'] })).toEqual(['x: enum added']);
    expect(schemaProblems('x', { type: 'string', enum: ['a'] }, { type: 'string', enum: ['a', 'b'] })).toEqual([]);
    expect(schemaProblems('x', { type: 'integer', maximum: 10 }, { type: 'integer', maximum: 5 })).toEqual(['x: upper bound lowered']);
    expect(schemaProblems('x', { type: 'string' }, { type: 'string', minLength: 1 })).toEqual(['x: lower bound raised']);
  });
});
