import { describe, expect, it } from 'vitest';
import { deepEqual, mergePatchBetween } from '../../../src/controller/status-patch.js';
import { applyMergePatch } from '../../../src/kube/merge-patch.js';
import { prng } from './prng.js';

describe('mergePatchBetween', () => {
  it.each<[string, unknown, unknown, unknown]>([
    ['no change: no patch', { phase: 'Progressing', canaryWeight: 10 }, { canaryWeight: 10, phase: 'Progressing' }, undefined],
    ['a changed field', { phase: 'Progressing', canaryWeight: 10 }, { phase: 'Progressing', canaryWeight: 20 }, { canaryWeight: 20 }],
    ['an added field', { phase: 'Progressing' }, { phase: 'Progressing', iterations: 1 }, { iterations: 1 }],
    ['a removed field becomes null', { phase: 'Waiting', queuedSince: 't' }, { phase: 'Progressing' }, { phase: 'Progressing', queuedSince: null }],
    ['a field set to undefined is removed', { gate: { type: 'x' } }, { gate: undefined }, { gate: null }],
    ['an undefined field that was absent is ignored', { a: 1 }, { a: 1, b: undefined }, undefined],
    ['a removed key of a nested map', { trackedConfigs: { 'configmap/a': '1', 'secret/b': '2' } }, { trackedConfigs: { 'configmap/a': '1' } }, { trackedConfigs: { 'secret/b': null } }],
    ['a nested map emptied', { trackedConfigs: { 'configmap/a': '1' } }, { trackedConfigs: {} }, { trackedConfigs: { 'configmap/a': null } }],
    ['a new nested map is sent whole', {}, { gate: { type: 'confirm-promotion', since: 't' } }, { gate: { type: 'confirm-promotion', since: 't' } }],
    ['a list is replaced whole', { promotedRevisions: ['a', 'b', 'c'] }, { promotedRevisions: ['b', 'c'] }, { promotedRevisions: ['b', 'c'] }],
    ['a list of maps with one changed field is replaced whole', { checks: [{ name: 'a', verdict: 'pass' }, { name: 'b', verdict: 'pass' }] }, { checks: [{ name: 'a', verdict: 'pass' }, { name: 'b', verdict: 'fail' }] }, { checks: [{ name: 'a', verdict: 'pass' }, { name: 'b', verdict: 'fail' }] }],
    ['an equal list: no patch', { checks: [{ name: 'a', value: 1 }] }, { checks: [{ value: 1, name: 'a' }] }, undefined],
    ['a map replaced by a scalar', { gate: { type: 'x' } }, { gate: 'none' }, { gate: 'none' }],
    ['a scalar replaced by a map', { gate: 'none' }, { gate: { type: 'x' } }, { gate: { type: 'x' } }],
    ['a list replaced by a map', { a: [1] }, { a: { b: 1 } }, { a: { b: 1 } }],
    ['everything removed', { a: 1, b: { c: 2 } }, {}, { a: null, b: null }],
    ['0, false and "" are values, not removals', { a: 1, b: true, c: 'x' }, { a: 0, b: false, c: '' }, { a: 0, b: false, c: '' }],
    ['the whole value removed', { a: 1 }, undefined, null],
    ['scalars that differ', 1, 2, 2],
    ['scalars that are equal', 'x', 'x', undefined],
  ])('%s', (_, before, after, patch) => {
    expect(mergePatchBetween(before, after)).toEqual(patch);
  });

  it('leaves its inputs alone', () => {
    const before = { a: { b: 1, c: [1] } };
    const after = { a: { b: 2 } };
    mergePatchBetween(before, after);
    expect(before).toEqual({ a: { b: 1, c: [1] } });
    expect(after).toEqual({ a: { b: 2 } });
  });

  describe('applying the patch to before gives after (generated cases)', () => {
    const rand = prng(20260101);
    const names = ['phase', 'canaryWeight', 'gate', 'checks', 'trackedConfigs', 'a', 'b', 'c'];
    const scalar = (): unknown => [() => rand(100), () => `s${rand(5)}`, () => rand(2) === 0, () => 0, () => ''][rand(5)]?.();
    const value = (depth: number): unknown => {
      const kind = depth <= 0 ? 0 : rand(4);
      if (kind === 0 || kind === 1) return scalar();
      if (kind === 2) return Array.from({ length: rand(3) }, () => value(depth - 1));
      return record(depth - 1);
    };
    const record = (depth: number): Record<string, unknown> =>
      Object.fromEntries(Array.from({ length: 1 + rand(5) }, () => [names[rand(names.length)] ?? 'a', value(depth)]));
    /** A changed copy: some keys removed, some changed, some added, nested maps changed the same way. */
    const mutate = (input: Record<string, unknown>, depth: number): Record<string, unknown> => {
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(input)) {
        const roll = rand(6);
        const isMap = typeof v === 'object' && v !== null && !Array.isArray(v);
        if (roll === 0) continue; // removed
        if (roll === 1) out[key] = value(depth); // replaced
        else if (isMap && roll <= 4) out[key] = mutate(v as Record<string, unknown>, depth - 1); // changed inside
        else if (roll === 3) out[key] = undefined; // removed the TypeScript way
        else out[key] = structuredClone(v); // kept
      }
      if (rand(3) === 0) out[names[rand(names.length)] ?? 'z'] = value(depth);
      return out;
    };
    const dropUndefined = (v: unknown): unknown => JSON.parse(JSON.stringify(v ?? null)) as unknown;

    const cases = Array.from({ length: 60 }, (_, i) => {
      const before = record(3);
      const after = i % 10 === 0 ? structuredClone(before) : i % 4 === 0 ? record(3) : mutate(before, 3);
      return { i, before, after };
    });

    it('the generated cases include no-ops, removals, nested removals and replaced lists', () => {
      const patches = cases.map(({ before, after }) => mergePatchBetween(before, after));
      const text = patches.map((p) => JSON.stringify(p) ?? 'undefined');
      expect(text.filter((t) => t === 'undefined').length).toBeGreaterThanOrEqual(6);
      expect(text.filter((t) => /^\{"[^"]+":null/.test(t) || /,"[^"]+":null/.test(t)).length).toBeGreaterThanOrEqual(10);
      expect(text.filter((t) => /:\{[^{}]*:null/.test(t)).length).toBeGreaterThanOrEqual(3);
      expect(text.filter((t) => t.includes('[')).length).toBeGreaterThanOrEqual(10);
    });

    it.each(cases)('case $i', ({ before, after }) => {
      const patch = mergePatchBetween(before, after);
      if (deepEqual(before, after)) {
        expect(patch).toBeUndefined();
        return;
      }
      expect(patch).toBeDefined();
      expect(applyMergePatch(before, patch)).toEqual(dropUndefined(after));
      // The patch is no bigger than needed: it never names a key whose value did not change.
      for (const key of Object.keys(patch as Record<string, unknown>)) {
        expect(deepEqual(before[key], after[key]), key).toBe(false);
      }
    });
  });
});

describe('deepEqual', () => {
  it.each<[string, unknown, unknown, boolean]>([
    ['equal scalars', 1, 1, true],
    ['different scalars', 1, '1', false],
    ['key order does not matter', { a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }, true],
    ['an undefined key equals a missing one', { a: 1, b: undefined }, { a: 1 }, true],
    ['a missing key is not null', { a: 1, b: null }, { a: 1 }, false],
    ['list order matters', [1, 2], [2, 1], false],
    ['list length matters', [1], [1, 1], false],
    ['a list is not a map', [], {}, false],
    ['null is not a map', null, {}, false],
    ['nested difference', { a: { b: { c: 1 } } }, { a: { b: { c: 2 } } }, false],
  ])('%s', (_, a, b, expected) => {
    expect(deepEqual(a, b)).toBe(expected);
    expect(deepEqual(b, a)).toBe(expected);
  });
});
