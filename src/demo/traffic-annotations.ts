/**
 * Pod-template annotations that tell the demo's metric stand-in and the test tier's traffic
 * simulator how a workload behaves. Changing them is a new pod template, i.e. a new revision.
 */
export const ERROR_RATE_ANNOTATION = 'sim.pennant.dev/error-rate';
export const LATENCY_ANNOTATION = 'sim.pennant.dev/latency-ms';

export interface Behaviour {
  /** Fraction of requests answered with a 5xx, 0–1. */
  errorRate: number;
  /** Typical response time. */
  latencyMs: number;
}

export function behaviourOf(annotations: Record<string, string> | undefined): Behaviour {
  const errorRate = Number(annotations?.[ERROR_RATE_ANNOTATION] ?? 0);
  const latencyMs = Number(annotations?.[LATENCY_ANNOTATION] ?? 50);
  return {
    errorRate: Number.isFinite(errorRate) ? Math.min(1, Math.max(0, errorRate)) : 0,
    latencyMs: Number.isFinite(latencyMs) ? Math.max(0, latencyMs) : 50,
  };
}
