import { describe, expect, it } from 'vitest';
import { singleService, splitTraffic, spreadOverPods, type Routing } from '../../harness/traffic-split.js';

const weighted = (primary: number, canary: number, extra: Partial<Routing['rules'][number]> = {}): Routing => ({
  rules: [{ abMatch: false, backends: [{ service: 'app-primary', weight: primary }, { service: 'app-canary', weight: canary }], ...extra }],
});
const split = (routing: Routing, abMatchFraction = 0.5) => Object.fromEntries(splitTraffic(routing, { rate: 100, abMatchFraction }));

describe('splitTraffic', () => {
  it('sends everything to the one Service of the kubernetes provider', () => {
    expect(split(singleService('app'))).toEqual({ app: 100 });
  });

  it('splits by weight', () => {
    expect(split(weighted(80, 20))).toEqual({ 'app-primary': 80, 'app-canary': 20 });
    expect(split(weighted(0, 100))).toEqual({ 'app-canary': 100 });
  });

  it('treats weights as relative, like Gateway API', () => {
    expect(split(weighted(1, 3))).toEqual({ 'app-primary': 25, 'app-canary': 75 });
  });

  it('serves nothing when every weight is 0', () => {
    expect(split(weighted(0, 0))).toEqual({});
  });

  it('copies a mirroring rule’s requests to the mirror', () => {
    expect(split(weighted(100, 0, { mirrorTo: 'app-canary' }))).toEqual({ 'app-primary': 100, 'app-canary': 100 });
  });

  it('sends the A/B fraction to the match rule and the rest to the default rule', () => {
    const routing: Routing = {
      rules: [
        { abMatch: true, backends: [{ service: 'app-primary', weight: 0 }, { service: 'app-canary', weight: 100 }] },
        ...weighted(100, 0).rules,
      ],
    };
    expect(split(routing, 0.3)).toEqual({ 'app-canary': 30, 'app-primary': 70 });
    expect(split(routing, 0)).toEqual({ 'app-primary': 100 });
    expect(split(routing, 1)).toEqual({ 'app-canary': 100 });
  });

  it('ignores the A/B fraction when no rule matches headers', () => {
    expect(split(weighted(100, 0), 0.9)).toEqual({ 'app-primary': 100 });
  });

  it('drops requests no rule takes', () => {
    expect(split({ rules: [] })).toEqual({});
    expect(split({ rules: [{ abMatch: true, backends: [{ service: 'app-canary', weight: 1 }] }] }, 0.25)).toEqual({ 'app-canary': 25 });
  });
});

describe('spreadOverPods', () => {
  it('spreads evenly', () => {
    expect(spreadOverPods(90, ['a', 'b', 'c'])).toEqual([
      { pod: 'a', rps: 30 },
      { pod: 'b', rps: 30 },
      { pod: 'c', rps: 30 },
    ]);
  });

  it('gives nothing to nobody when no pod is ready', () => {
    expect(spreadOverPods(90, [])).toEqual([]);
  });
});
