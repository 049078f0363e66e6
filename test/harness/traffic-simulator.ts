import { performance } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import type { KubeClient } from '../../src/kube/types.js';
import { ClusterView } from './cluster-view.js';
import { listenOnLoopback } from './loopback-server.js';
import { metricsEndpoint } from './metrics-endpoint.js';
import type { MetricShapeFactory } from './metric-shapes.js';
import { routingReaderFor } from './routing-readers.js';
import { ALL_SHAPES } from './shapes/index.js';
import type { SimulatedApp } from './simulated-app.js';
import { TrafficEngine, type SimulatorStats } from './traffic-engine.js';

export interface TrafficSimulatorOptions {
  /** Read through informers only. */
  kube: KubeClient;
  apps: readonly SimulatedApp[];
  /** Requests per second each app receives at its entry point. */
  rate: number;
  /** Requests per second straight to `<service>-canary` (flagger-loadtester), so blue/green has canary metrics. Default 0. */
  canaryTestRate?: number;
  /** Fraction of requests carrying the A/B match. Default 0.5. */
  abMatchFraction?: number;
  /** PRNG seed. Default 1. */
  seed?: number;
  /** Default 200 ms. */
  tickMs?: number;
  /** false: no timer; call step() yourself (deterministic unit tests). Default true. */
  autoTick?: boolean;
  /** Metric shapes to export; default every shape in ALL_SHAPES. */
  shapes?: readonly MetricShapeFactory[];
}

export interface TrafficSimulator {
  /** `127.0.0.1:<port>`: a Prometheus scrape target. */
  target: string;
  /** `http://127.0.0.1:<port>`; `/metrics` and `/stats` (JSON). */
  url: string;
  /**
   * Serve more apps from now on, e.g. one per test namespace: cheaper than a new simulator, whose new
   * scrape target Prometheus only picks up after ~6 s (its discovery sends updates every 5 s).
   */
  addApps(apps: readonly SimulatedApp[]): Promise<void>;
  /** Serves `seconds` of traffic now (autoTick: false). */
  step(seconds: number): void;
  stats(): SimulatorStats;
  stop(): Promise<void>;
}

/** A long stall (a paused debugger, a starved event loop) is not replayed as one huge burst. */
const MAX_STEP_SECONDS = 2;

/**
 * Plays the mesh/ingress for `apps`: reads what Pennant wrote (Services, HTTPRoutes) and which pods
 * are ready, sends requests where the routing says, draws each answer from the pod's behaviour
 * annotations, and exports what that provider's proxies would, on its own /metrics.
 */
export async function startTrafficSimulator(options: TrafficSimulatorOptions): Promise<TrafficSimulator> {
  const view = new ClusterView(options.kube);
  const watch = (apps: readonly SimulatedApp[]): Promise<void> =>
    view.watchNamespaces(
      apps.map((a) => a.namespace),
      apps.flatMap((a) => routingReaderFor(a.provider).watches), // an unknown provider fails before any informer starts
    );
  try {
    await watch(options.apps);
  } catch (err) {
    view.stop();
    throw err;
  }
  const registry = new Registry();
  const engine = new TrafficEngine(
    view,
    options.apps,
    {
      rate: options.rate,
      canaryTestRate: options.canaryTestRate ?? 0,
      abMatchFraction: options.abMatchFraction ?? 0.5,
      seed: options.seed ?? 1,
    },
    registry,
    options.shapes ?? Object.values(ALL_SHAPES),
  );
  const http = await listenOnLoopback(metricsEndpoint(registry, () => engine.stats())).catch((err: unknown) => {
    view.stop();
    throw err;
  });

  let timer: NodeJS.Timeout | undefined;
  if (options.autoTick ?? true) {
    let last = performance.now();
    timer = setInterval(() => {
      const now = performance.now();
      engine.step(Math.min(MAX_STEP_SECONDS, (now - last) / 1000));
      last = now;
    }, options.tickMs ?? 200);
    timer.unref();
  }

  return {
    target: `127.0.0.1:${http.port}`,
    url: http.url,
    addApps: async (apps) => {
      await watch(apps);
      engine.addApps(apps);
    },
    step: (seconds) => engine.step(seconds),
    stats: () => engine.stats(),
    stop: async () => {
      clearInterval(timer);
      view.stop();
      await http.close();
    },
  };
}
