import { describe, expect, it } from 'vitest';
import { formatTable, median, perInterval, type RunFigures } from '../../bench/fleet/report.js';
import { planFleet } from '../../bench/fleet/fleet.js';

const window = (requests: number, byVerbResource: Record<string, number> = {}) => ({
  apiRequestsPerInterval: requests, apiReadsPerInterval: 0, leasesPerInterval: 0, promQueriesPerInterval: 2, cpuSecondsPerInterval: 0.1, byVerbResource,
});

const figures = (controller: 'pennant' | 'flagger', requests: number, rssMiB: number): RunFigures => ({
  controller, canaries: 100, progressing: 5, provider: 'kubernetes', intervalSeconds: 30, intervals: 3, unrelated: 10_000,
  apiRequestsPerInterval: requests, apiReadsPerInterval: 0, promQueriesPerInterval: 2, cpuSecondsPerInterval: 0.1, rssMiB,
  reconcileP50Ms: 2, reconcileP99Ms: null, queueWaitP99Ms: null, heapUsedMiB: null, initializeSeconds: 40, bumpToProgressingSeconds: { p50: 0.3, max: 0.5 }, failureToRollbackSeconds: 95,
  idle: window(1), progressingWindow: window(requests, { 'patch canaries/status': requests }),
});

describe('the benchmark’s report', () => {
  it('puts the peer beside Pennant with the ratio peer ÷ pennant', () => {
    const table = formatTable({ ...figures('pennant', 10, 80), peer: figures('flagger', 900, 72) });
    expect(table).toContain('100 canaries (5 progressing), provider kubernetes, interval 30s, 3 intervals measured, 10000 unrelated Secrets/ConfigMaps');
    expect(table).toContain('| API requests / interval | 10 | 900 | 90 |');
    expect(table).toContain('| RSS MiB (max) | 80 | 72 | 0.9 |');
    expect(table).toContain('| reconcile p99 ms | — | — | — |');
    expect(table).toContain("pennant's requests / interval by verb and resource: patch canaries/status 10");
    expect(table).toContain("flagger's: patch canaries/status 900");
  });

  it('is one column without a peer', () => {
    const table = formatTable(figures('pennant', 10, 80));
    expect(table).toContain('| API requests / interval | 10 |');
    expect(table).not.toContain('flagger');
  });

  it('rounds per-interval figures and takes medians', () => {
    expect(perInterval(10, 3)).toBe(3.33);
    expect(perInterval(10, 0)).toBe(10);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('spreads the fleet 100 per namespace, bumps the first P and makes the last one faulty', () => {
    const plan = planFleet(250, 5);
    expect(new Set(plan.members.map((m) => m.namespace))).toEqual(new Set(['bench-00', 'bench-01', 'bench-02']));
    expect(plan.progressing.map((m) => m.name)).toEqual(['app-0', 'app-1', 'app-2', 'app-3', 'app-4']);
    expect(plan.faulty).toEqual({ namespace: 'bench-02', name: 'app-249' });
    expect(planFleet(5, 5).faulty).toBeUndefined();
  });
});
