import type { Behaviour } from '../../src/demo/traffic-annotations.js';
import type { Random } from './prng.js';

/** Response code → latency in ms of each request answered with it. */
export type Responses = Map<number, number[]>;

export const OK_CODE = 200;
export const ERROR_CODE = 500;

/**
 * Latencies are drawn uniformly from [LATENCY_FLOOR × latency-ms, latency-ms], so the annotation
 * is (very nearly) the P99 the builtin duration query reports — what the demo's metric stand-in
 * answers too — and the mean is 0.9 × latency-ms.
 */
export const LATENCY_FLOOR = 0.8;

export const drawLatencyMs = (latencyMs: number, random: Random): number =>
  latencyMs * (LATENCY_FLOOR + (1 - LATENCY_FLOOR) * random());

/** `count` requests served by a workload behaving as `behaviour`: each fails with probability errorRate. */
export function drawResponses(count: number, behaviour: Behaviour, random: Random): Responses {
  const responses: Responses = new Map();
  for (let i = 0; i < count; i++) {
    const code = random() < behaviour.errorRate ? ERROR_CODE : OK_CODE;
    const latencies = responses.get(code) ?? [];
    latencies.push(drawLatencyMs(behaviour.latencyMs, random));
    responses.set(code, latencies);
  }
  return responses;
}

/**
 * Turns a rate into whole requests per tick without losing the fractions: 50 req/s at 0.2 s ticks
 * is 10 a tick, 3 req/s is 0, 1, 0, 1, 1, … — so counts over time match the rate exactly.
 */
export class RequestBudget {
  private readonly carry = new Map<string, number>();

  take(key: string, expected: number): number {
    const total = (this.carry.get(key) ?? 0) + expected;
    const whole = Math.floor(total);
    this.carry.set(key, total - whole);
    return whole;
  }

  /** Drops the fractions of every key starting with `prefix` (a pod that is gone). */
  forgetPrefix(prefix: string): void {
    for (const key of this.carry.keys()) if (key.startsWith(prefix)) this.carry.delete(key);
  }
}
