import { describe, expect, it } from 'vitest';
import { fleetOptionsFrom } from '../../bench/fleet/options.js';

describe('the fleet benchmark’s flags', () => {
  it('is not the fleet benchmark without --canaries', () => {
    expect(fleetOptionsFrom([])).toBeNull();
  });

  it('defaults to 5% progressing (at least one), 30s, 3 intervals, 10,000 unrelated objects', () => {
    expect(fleetOptionsFrom(['--canaries', '100'])).toEqual({ canaries: 100, progressing: 5, provider: 'kubernetes', json: false, intervalSeconds: 30, intervals: 3, unrelated: 10_000 });
    expect(fleetOptionsFrom(['--canaries', '5'])?.progressing).toBe(1);
    expect(fleetOptionsFrom(['--canaries', '1000'])?.progressing).toBe(50);
  });

  it('takes every flag', () => {
    const o = fleetOptionsFrom(['--canaries', '10', '--progressing', '10', '--provider', 'istio', '--peer', 'flagger', '--interval', '1m', '--intervals', '2', '--unrelated', '0', '--json']);
    expect(o).toEqual({ canaries: 10, progressing: 10, provider: 'istio', peer: 'flagger', json: true, intervalSeconds: 60, intervals: 2, unrelated: 0 });
  });

  it.each([
    [['--canaries', '0'], '--canaries must be ≥ 1'],
    [['--canaries', 'many'], '--canaries must be a whole number'],
    [['--canaries', '2.5'], '--canaries must be a whole number'],
    [['--canaries', '10', '--progressing', '11'], '--progressing 11 is more than --canaries 10'],
    [['--canaries', '10', '--provider', 'linkerd'], '--provider must be kubernetes or istio'],
    [['--canaries', '10', '--peer', 'argo'], '--peer must be flagger'],
    [['--canaries', '10', '--interval', '2s'], '--interval "2s" must be a duration of at least 5s'],
    [['--canaries', '10', '--interval', 'soon'], '--interval "soon" must be a duration'],
    [['--canaries', '10', '--intervals', '0'], '--intervals must be ≥ 1'],
    [['--canaries', '10', '--unrelated=-1'], '--unrelated must be ≥ 0'],
    [['--canaries', '10', '--canary', '3'], "Unknown option '--canary'"],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => fleetOptionsFrom(argv)).toThrow(message);
  });
});
