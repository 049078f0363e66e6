import { describe, expect, it } from 'vitest';
import { drawResponses, ERROR_CODE, LATENCY_FLOOR, OK_CODE, RequestBudget } from '../../harness/outcomes.js';
import { seededRandom } from '../../harness/prng.js';

describe('seededRandom', () => {
  it('replays the same numbers for the same seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect([c(), c(), c()]).not.toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('drawResponses', () => {
  it('answers about errorRate of the requests with a 5xx', () => {
    const responses = drawResponses(20_000, { errorRate: 0.3, latencyMs: 100 }, seededRandom(7));
    const errors = responses.get(ERROR_CODE)?.length ?? 0;
    const ok = responses.get(OK_CODE)?.length ?? 0;
    expect(errors + ok).toBe(20_000);
    expect(errors / 20_000).toBeGreaterThan(0.29);
    expect(errors / 20_000).toBeLessThan(0.31);
  });

  it('never fails at error rate 0 and always fails at 1', () => {
    expect(drawResponses(1000, { errorRate: 0, latencyMs: 10 }, seededRandom(1)).has(ERROR_CODE)).toBe(false);
    expect(drawResponses(1000, { errorRate: 1, latencyMs: 10 }, seededRandom(1)).has(OK_CODE)).toBe(false);
  });

  it('draws latencies just below latency-ms, so it is the P99', () => {
    const latencies = drawResponses(10_000, { errorRate: 0, latencyMs: 800 }, seededRandom(3)).get(OK_CODE) ?? [];
    expect(Math.min(...latencies)).toBeGreaterThanOrEqual(800 * LATENCY_FLOOR);
    expect(Math.max(...latencies)).toBeLessThanOrEqual(800);
    const sorted = [...latencies].sort((x, y) => x - y);
    expect(sorted[Math.floor(0.99 * sorted.length)]).toBeGreaterThan(795);
  });

  it('is reproducible', () => {
    const draw = () => [...drawResponses(50, { errorRate: 0.5, latencyMs: 20 }, seededRandom(9))];
    expect(draw()).toEqual(draw());
  });
});

describe('RequestBudget', () => {
  it('keeps fractions so whole requests match the rate over time', () => {
    const budget = new RequestBudget();
    let total = 0;
    for (let tick = 0; tick < 100; tick++) total += budget.take('pod', 3 * 0.2); // 3 req/s, 200 ms ticks
    expect(total).toBe(60);
  });

  it('forgets a pod’s fractions', () => {
    const budget = new RequestBudget();
    budget.take('ns/pod-a|svc', 0.9);
    budget.take('ns/pod-b|svc', 0.9);
    budget.forgetPrefix('ns/pod-a|');
    expect(budget.take('ns/pod-a|svc', 0.5)).toBe(0);
    expect(budget.take('ns/pod-b|svc', 0.5)).toBe(1);
  });
});
