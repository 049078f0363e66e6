import { describe, expect, it } from 'vitest';
import { KubeError } from '../../../src/kube/errors.js';
import { parseLabelSelector } from '../../../src/kube/label-selector.js';

const web = { app: 'web', tier: 'frontend', 'pennant.dev/role': 'primary' };

describe('parseLabelSelector', () => {
  it.each<[string | undefined, Record<string, string> | undefined, boolean]>([
    [undefined, web, true],
    ['', undefined, true],
    ['app=web', web, true],
    ['app==web', web, true],
    ['app=db', web, false],
    ['app!=db', web, true],
    ['app!=web', web, false],
    ['missing!=x', web, true],
    ['app=web,tier=frontend', web, true],
    ['app=web, tier=backend', web, false],
    ['pennant.dev/role=primary', web, true],
    ['app in (db,web)', web, true],
    ['app in (db)', web, false],
    ['missing in (x)', web, false],
    ['app notin (db)', web, true],
    ['app notin (web,db)', web, false],
    ['missing notin (x)', web, true],
    ['app', web, true],
    ['missing', web, false],
    ['!missing', web, true],
    ['!app', web, false],
    ['app in (web), !canary, tier', web, true],
    ['app=', { app: '' }, true],
    ['app=web', undefined, false],
  ])('%j on %j is %s', (selector, labels, expected) => {
    expect(parseLabelSelector(selector)(labels)).toBe(expected);
  });

  it.each(['app=(web)', '=web', 'app in web', 'app in (a b)', 'a,,b', 'app ~ web'])('%j is Invalid', (selector) => {
    expect(() => parseLabelSelector(selector)).toThrow(KubeError);
  });
});
