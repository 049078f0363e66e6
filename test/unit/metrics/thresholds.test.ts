import { describe, expect, it } from 'vitest';
import type { CanaryMetric } from '../../../src/api/index.js';
import { MetricError, NO_DATA_MESSAGE, boundsOf, formatNumber, judge } from '../../../src/metrics/index.js';

const successRate = (m: Partial<CanaryMetric>): CanaryMetric => ({ name: 'request-success-rate', ...m });
const duration = (m: Partial<CanaryMetric>): CanaryMetric => ({ name: 'request-duration', ...m });
const template = (m: Partial<CanaryMetric>): CanaryMetric => ({ name: 'error-rate', templateRef: { name: 'error-rate' }, ...m });
const inline = (m: Partial<CanaryMetric>): CanaryMetric => ({ name: 'custom', query: 'sum(up)', ...m });

describe('boundsOf', () => {
  it.each<[string, CanaryMetric, { min?: number; max?: number }]>([
    ['thresholdRange min', successRate({ thresholdRange: { min: 99 } }), { min: 99 }],
    ['thresholdRange min and max', template({ thresholdRange: { min: 1, max: 5 } }), { min: 1, max: 5 }],
    ['thresholdRange over threshold', duration({ threshold: 100, thresholdRange: { max: 500 } }), { max: 500 }],
    ['threshold: a min for builtin success rate', successRate({ threshold: 99 }), { min: 99 }],
    ['threshold: a max for builtin duration', duration({ threshold: 500 }), { max: 500 }],
    ['threshold: a max for templates', template({ threshold: 1 }), { max: 1 }],
    ['threshold: a max for inline queries', inline({ threshold: 2 }), { max: 2 }],
    ['threshold: a max for a template named request-success-rate', template({ name: 'request-success-rate', threshold: 5 }), { max: 5 }],
    ['an empty thresholdRange falls back to threshold', successRate({ thresholdRange: {}, threshold: 95 }), { min: 95 }],
    ['nothing', template({}), {}],
  ])('%s', (_case, metric, expected) => {
    expect(boundsOf(metric)).toEqual(expected);
  });
});

describe('judge', () => {
  it.each<[string, number | null | Error, CanaryMetric, string, string | undefined]>([
    ['above min', 99.5, successRate({ thresholdRange: { min: 99 } }), 'pass', undefined],
    ['at min (inclusive)', 99, successRate({ thresholdRange: { min: 99 } }), 'pass', undefined],
    ['below min', 87.5, successRate({ thresholdRange: { min: 99 } }), 'fail', 'request-success-rate 87.5 < 99'],
    ['below legacy min', 87.5, successRate({ threshold: 99 }), 'fail', 'request-success-rate 87.5 < 99'],
    ['at max (inclusive)', 500, duration({ thresholdRange: { max: 500 } }), 'pass', undefined],
    ['above max', 612, duration({ thresholdRange: { max: 500 } }), 'fail', 'request-duration 612 > 500'],
    ['above legacy max', 612, duration({ threshold: 500 }), 'fail', 'request-duration 612 > 500'],
    ['inside a range', 3, template({ thresholdRange: { min: 1, max: 5 } }), 'pass', undefined],
    ['below a range', 0.5, template({ thresholdRange: { min: 1, max: 5 } }), 'fail', 'error-rate 0.5 < 1'],
    ['above a range', 5.0001, template({ thresholdRange: { min: 1, max: 5 } }), 'fail', 'error-rate 5.0001 > 5'],
    ['above a template threshold', 0.3, template({ threshold: 0 }), 'fail', 'error-rate 0.3 > 0'],
    ['no data', null, successRate({ thresholdRange: { min: 99 } }), 'noData', NO_DATA_MESSAGE],
    ['an error', new MetricError('Timeout', 'prometheus at http://p:9090: timed out after 5s'),
      successRate({ thresholdRange: { min: 99 } }), 'error', 'prometheus at http://p:9090: timed out after 5s'],
    ['no threshold at all', 3, template({}), 'error', 'error-rate: no threshold: set thresholdRange.min and/or thresholdRange.max'],
  ])('%s', (_case, value, metric, verdict, message) => {
    const result = judge(value, metric, 'q');
    expect(result.verdict).toBe(verdict);
    expect(result.message).toBe(message);
    expect(result.name).toBe(metric.name);
    expect(result.query).toBe('q');
    expect(result.value).toBe(value instanceof Error ? null : value);
  });

  it('reports the bounds it judged against', () => {
    expect(judge(1, successRate({ threshold: 99 }))).toMatchObject({ min: 99, verdict: 'fail' });
    expect(judge(1, successRate({ threshold: 99 }))).not.toHaveProperty('max');
  });

  it.each([
    [87.5, '87.5'],
    [99.123456789, '99.1235'],
    [500, '500'],
    [0.000123456789, '0.000123457'],
  ])('formats %d as %s', (value, expected) => {
    expect(formatNumber(value)).toBe(expected);
  });
});
