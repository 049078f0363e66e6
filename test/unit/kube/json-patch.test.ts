import { describe, expect, it } from 'vitest';
import { KubeError } from '../../../src/kube/errors.js';
import { applyJsonPatch, parsePointer } from '../../../src/kube/json-patch.js';

const doc = () => ({ spec: { replicas: 1, list: ['a', 'b'], 'a/b': { '~x': 1 } } });

describe('applyJsonPatch', () => {
  it.each<[string, unknown[], unknown]>([
    ['add a key', [{ op: 'add', path: '/spec/paused', value: true }], { ...doc().spec, paused: true }],
    ['replace a key', [{ op: 'replace', path: '/spec/replicas', value: 3 }], { ...doc().spec, replicas: 3 }],
    ['remove a key', [{ op: 'remove', path: '/spec/replicas' }], { list: ['a', 'b'], 'a/b': { '~x': 1 } }],
    ['insert into a list', [{ op: 'add', path: '/spec/list/1', value: 'x' }], { ...doc().spec, list: ['a', 'x', 'b'] }],
    ['append with -', [{ op: 'add', path: '/spec/list/-', value: 'c' }], { ...doc().spec, list: ['a', 'b', 'c'] }],
    ['remove from a list', [{ op: 'remove', path: '/spec/list/0' }], { ...doc().spec, list: ['b'] }],
    ['escaped pointers', [{ op: 'replace', path: '/spec/a~1b/~0x', value: 2 }], { ...doc().spec, 'a/b': { '~x': 2 } }],
    ['a passing test', [{ op: 'test', path: '/spec/list', value: ['a', 'b'] }], doc().spec],
    ['move', [{ op: 'move', from: '/spec/replicas', path: '/spec/count' }], { list: ['a', 'b'], 'a/b': { '~x': 1 }, count: 1 }],
    ['copy', [{ op: 'copy', from: '/spec/replicas', path: '/spec/count' }], { ...doc().spec, count: 1 }],
  ])('%s', (_, ops, spec) => {
    const input = doc();
    expect((applyJsonPatch(input, ops) as { spec: unknown }).spec).toEqual(spec);
    expect(input).toEqual(doc()); // the input is never modified
  });

  it.each<[string, unknown]>([
    ['a failing test', [{ op: 'test', path: '/spec/replicas', value: 2 }]],
    ['replace of a missing key', [{ op: 'replace', path: '/spec/missing', value: 1 }]],
    ['remove of a missing key', [{ op: 'remove', path: '/spec/missing' }]],
    ['add under a missing parent', [{ op: 'add', path: '/nope/x', value: 1 }]],
    ['a list index past the end', [{ op: 'add', path: '/spec/list/5', value: 'x' }]],
    ['a non-numeric list index', [{ op: 'remove', path: '/spec/list/first' }]],
    ['an unknown op', [{ op: 'frobnicate', path: '/spec' }]],
    ['add without a value', [{ op: 'add', path: '/spec/x' }]],
    ['a pointer without a leading slash', [{ op: 'remove', path: 'spec' }]],
    ['a patch that is not a list', { op: 'remove', path: '/spec' }],
  ])('%s is Invalid (422)', (_, ops) => {
    const error = (() => {
      try {
        applyJsonPatch(doc(), ops);
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(KubeError);
    expect(error).toMatchObject({ code: 'Invalid', status: 422 });
  });

  it('is all-or-nothing: a failing op leaves the input untouched', () => {
    const input = doc();
    expect(() => applyJsonPatch(input, [{ op: 'remove', path: '/spec/replicas' }, { op: 'test', path: '/x', value: 1 }])).toThrow(KubeError);
    expect(input).toEqual(doc());
  });

  it.each([
    ['', []],
    ['/a', ['a']],
    ['/a~1b/~0c/0', ['a/b', '~c', '0']],
    ['/', ['']],
  ])('parsePointer(%j) is %j', (pointer, tokens) => {
    expect(parsePointer(pointer)).toEqual(tokens);
  });
});
