import { describe, expect, it } from 'vitest';
import { bucketDelta, gaugeValue, histogramBuckets, quantile } from '../../bench/fleet/histogram.js';

const exposition = (counts: [string, number][], labels = 'controller="canary"'): string =>
  counts.map(([le, n]) => `pennant_reconcile_duration_seconds_bucket{${labels},le="${le}"} ${n}`).join('\n');

describe('reconcile latency from the controller’s histogram', () => {
  it('sums the buckets of every label set and ignores other metrics', () => {
    const text = [
      '# HELP pennant_reconcile_duration_seconds x',
      exposition([['0.01', 1], ['0.1', 3], ['+Inf', 4]]),
      exposition([['0.01', 2], ['0.1', 2], ['+Inf', 2]], 'controller="gitsource"'),
      'pennant_reconcile_duration_seconds_bucket_other{le="0.01"} 99',
      'pennant_reconcile_duration_seconds_sum 1.5',
    ].join('\n');
    expect([...histogramBuckets(text, 'pennant_reconcile_duration_seconds')]).toEqual([[0.01, 3], [0.1, 5], [Infinity, 6]]);
  });

  it('with `where`, sums only the label sets that have those labels', () => {
    const text = [
      exposition([['0.01', 1], ['+Inf', 4]], 'lane="event"'),
      exposition([['0.01', 7], ['+Inf', 9]], 'lane="resync"'),
    ].join('\n');
    expect([...histogramBuckets(text, 'pennant_reconcile_duration_seconds', { lane: 'event' })]).toEqual([[0.01, 1], [Infinity, 4]]);
    expect([...histogramBuckets(text, 'pennant_reconcile_duration_seconds', { lane: 'none' })]).toEqual([]);
  });

  it('takes what was observed between two scrapes', () => {
    const before = new Map([[0.01, 3], [0.1, 5], [Infinity, 6]]);
    const after = new Map([[0.01, 4], [0.1, 9], [Infinity, 10]]);
    expect([...bucketDelta(before, after)]).toEqual([[0.01, 1], [0.1, 4], [Infinity, 4]]);
  });

  it.each([
    // 10 observations: 5 ≤ 10 ms, 5 in (10 ms, 100 ms]
    [0.5, new Map([[0.01, 5], [0.1, 10], [Infinity, 10]]), 0.01],
    [0.99, new Map([[0.01, 5], [0.1, 10], [Infinity, 10]]), 0.01 + 0.09 * (4.9 / 5)],
    [0.25, new Map([[0.01, 4], [Infinity, 4]]), 0.0025],
    // beyond the last finite bound, the bound is what can be said
    [0.99, new Map([[0.01, 1], [0.1, 1], [Infinity, 10]]), 0.1],
  ])('estimates the %s quantile as histogram_quantile does', (q, buckets, expected) => {
    expect(quantile(q, buckets)).toBeCloseTo(expected, 9);
  });

  it('has no quantile when nothing was observed', () => {
    expect(quantile(0.99, new Map([[0.01, 0], [Infinity, 0]]))).toBeNull();
    expect(quantile(0.99, new Map())).toBeNull();
  });

  it('reads an unlabelled gauge, not one whose name it begins', () => {
    const text = ['# TYPE nodejs_heap_size_used_bytes gauge', 'nodejs_heap_size_used_bytes_other 1', 'nodejs_heap_size_used_bytes 52428800', 'go_memstats_heap_inuse_bytes 1.2e+07'].join('\n');
    expect(gaugeValue(text, 'nodejs_heap_size_used_bytes')).toBe(52428800);
    expect(gaugeValue(text, 'go_memstats_heap_inuse_bytes')).toBe(12_000_000);
    expect(gaugeValue(text, 'absent')).toBeNull();
  });
});
