import type { Registry } from 'prom-client';
import type { ClusterView } from './cluster-view.js';
import type { MetricShape, MetricShapeFactory } from './metric-shapes.js';
import { drawResponses, ERROR_CODE, RequestBudget } from './outcomes.js';
import { seededRandom, type Random } from './prng.js';
import { routingReaderFor, SERVICE, type RoutingReader } from './routing-readers.js';
import { appKey, type SimulatedApp } from './simulated-app.js';
import { splitTraffic, spreadOverPods } from './traffic-split.js';

export interface TrafficSettings {
  /** Requests per second each app receives at its entry point (apex Service or HTTPRoute). */
  rate: number;
  /** Requests per second sent straight to `<service>-canary`, as flagger-loadtester's tests do. */
  canaryTestRate: number;
  /** Fraction (0–1) of requests that carry the A/B header/query match. */
  abMatchFraction: number;
  seed: number;
}

export interface WorkloadStats {
  requests: number;
  errors: number;
}

export interface SimulatorStats {
  ticks: number;
  /** `namespace/deployment` → requests served there (mirrored copies and canary tests included). */
  workloads: Record<string, WorkloadStats>;
  /** `namespace/service` → requests addressed to a Service without a ready pod: lost. */
  unserved: Record<string, number>;
}

/** One simulation step at a time; the simulator drives it from a timer, unit tests by hand. */
export class TrafficEngine {
  private readonly random: Random;
  private readonly budget = new RequestBudget();
  private readonly shapes: MetricShape[];
  /** By appKey: adding an app again replaces it rather than doubling its traffic. */
  private readonly apps = new Map<string, { app: SimulatedApp; reader: RoutingReader }>();
  private readonly counts: SimulatorStats = { ticks: 0, workloads: {}, unserved: {} };

  constructor(
    private readonly view: ClusterView,
    apps: readonly SimulatedApp[],
    private readonly settings: TrafficSettings,
    registry: Registry,
    shapes: readonly MetricShapeFactory[],
  ) {
    this.random = seededRandom(settings.seed);
    this.shapes = shapes.map((make) => make(registry));
    this.addApps(apps);
    view.onPodDeleted((namespace, pod) => {
      for (const shape of this.shapes) shape.forgetPod(namespace, pod);
      this.budget.forgetPrefix(`${namespace}/${pod}|`);
    });
  }

  /** Apps to serve from the next step on (their namespaces must be watched by the view already). */
  addApps(apps: readonly SimulatedApp[]): void {
    for (const app of apps) this.apps.set(appKey(app), { app, reader: routingReaderFor(app.provider) });
  }

  /** Serves `seconds` worth of traffic. */
  step(seconds: number): void {
    this.counts.ticks++;
    for (const { app, reader } of this.apps.values()) {
      for (const [service, rps] of this.loadsOf(app, reader)) this.serve(app, service, rps * seconds, false);
      const canaryService = `${app.service}-canary`;
      if (this.settings.canaryTestRate > 0 && this.view.lookup(SERVICE, app.namespace, canaryService)) {
        this.serve(app, canaryService, this.settings.canaryTestRate * seconds, true);
      }
    }
  }

  stats(): SimulatorStats {
    return structuredClone(this.counts);
  }

  /** Requests per second per Service through the app's entry point (mesh, ingress, apex Service). */
  private loadsOf(app: SimulatedApp, reader: RoutingReader): Map<string, number> {
    const routing = reader.routing(this.view.lookup, app);
    const { rate, abMatchFraction } = this.settings;
    return routing ? splitTraffic(routing, { rate, abMatchFraction }) : new Map<string, number>();
  }

  private serve(app: SimulatedApp, service: string, expected: number, direct: boolean): void {
    const { namespace } = app;
    const pods = this.view.readyPods(namespace, service);
    const via = direct ? '|direct' : '';
    if (pods.length === 0) {
      const lost = this.budget.take(`unserved|${namespace}/${service}${via}`, expected);
      const key = `${namespace}/${service}`;
      if (lost > 0) this.counts.unserved[key] = (this.counts.unserved[key] ?? 0) + lost;
      return;
    }
    const port = (this.view.lookup(SERVICE, namespace, service)?.spec as { ports?: { port?: number }[] } | undefined)?.ports?.[0]?.port;
    for (const { pod, rps: share } of spreadOverPods(expected, pods)) {
      const count = this.budget.take(`${namespace}/${pod.name}|${service}${via}`, share);
      if (count === 0) continue;
      const responses = drawResponses(count, pod.behaviour, this.random);
      for (const shape of this.shapes) shape.record({ app, service, namespace, pod: pod.name, workload: pod.workload, responses, port, direct });
      const key = `${namespace}/${pod.workload}`;
      const stats = (this.counts.workloads[key] ??= { requests: 0, errors: 0 });
      stats.requests += count;
      stats.errors += responses.get(ERROR_CODE)?.length ?? 0;
    }
  }
}
