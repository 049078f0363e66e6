import { describe, expect, it } from 'vitest';
import { parseFieldSelector } from '../../../src/kube/field-selector.js';
import type { KubeObject } from '../../../src/kube/types.js';

const event: KubeObject = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: 'test' }, involvedObject: { kind: 'Canary', apiVersion: 'pennant.dev/v1beta1', name: 'podinfo' }, type: 'Warning', count: 2 };

describe('parseFieldSelector', () => {
  it.each([
    ['', true],
    ['involvedObject.kind=Canary', true],
    ['involvedObject.kind==Canary,involvedObject.apiVersion=pennant.dev/v1beta1', true],
    ['involvedObject.kind=Deployment', false],
    ['type!=Normal', true],
    ['type!=Warning', false],
    ['metadata.namespace=test', true],
    ['involvedObject.namespace=', true],
    ['count=2', true],
  ])('%j matches: %s', (selector, matches) => {
    expect(parseFieldSelector(selector)(event)).toBe(matches);
  });

  it('a selector that is not field=value is a KubeError naming it', () => {
    expect(() => parseFieldSelector('involvedObject.kind in (Canary)')).toThrow(/field selector "involvedObject.kind in \(Canary\)"/);
  });
});
