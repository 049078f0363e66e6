import type { Registry } from 'prom-client';
import type { Responses } from './outcomes.js';
import type { SimulatedApp } from './simulated-app.js';

/** What one pod served in one tick; every shape turns it into its own provider's series. */
export interface ServedRequests {
  app: SimulatedApp;
  /** The Service the requests were addressed to (`podinfo`, `podinfo-canary`, …). */
  service: string;
  namespace: string;
  pod: string;
  /** The Deployment the pod belongs to (`podinfo` or `podinfo-primary`). */
  workload: string;
  responses: Responses;
  /** The first port of the Service addressed (ingress proxies name their upstreams after it). */
  port: number | undefined;
  /**
   * Sent straight to `<service>-canary` (canaryTestRate, like flagger-loadtester's in-cluster
   * calls), not through the entry point: a mesh sidecar sees it, an ingress controller does not.
   */
  direct: boolean;
}

/** The metrics one traffic provider's proxies (or the app, for kubernetes) would export. */
export interface MetricShape {
  readonly name: string;
  record(served: ServedRequests): void;
  /** The pod is gone: drop its series, so Prometheus marks them stale as it would for a vanished target. */
  forgetPod(namespace: string, pod: string): void;
}

export type MetricShapeFactory = (registry: Registry) => MetricShape;

/**
 * Histogram bounds in ms, fine enough that histogram_quantile lands within a few percent of the
 * latency annotation (exactly, for values on this grid) and 50 ms is far from 800 ms.
 */
export const LATENCY_BUCKETS_MS: readonly number[] = [
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 17.5, 20, 25, 30, 35, 40, 45, 50, 60, 70, 80, 90, 100, 120, 150, 175,
  200, 250, 300, 350, 400, 450, 500, 600, 700, 800, 900, 1000, 1250, 1500, 1750, 2000, 2500, 3000, 4000, 5000,
  7500, 10000, 15000, 20000, 30000, 60000,
];
