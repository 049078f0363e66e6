import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeClient } from '../kube/types.js';
import { behaviourOf } from './traffic-annotations.js';

const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' };
const DAEMONSET = { apiVersion: 'apps/v1', kind: 'DaemonSet' };

type ServingSpec = {
  replicas?: number;
  template?: { metadata?: { annotations?: Record<string, string> }; spec?: { nodeSelector?: Record<string, string> } };
};

/** One series of an instant query's answer. */
export interface Series {
  labels: Record<string, string>;
  value: number;
}

/** Answers a query (PromQL text) with its series; throwing answers HTTP 500, as a Prometheus that is down. */
export type QueryAnswerer = (query: string) => Promise<Series[]>;

/**
 * Answers Prometheus instant queries for the builtin metrics of the `kubernetes` and `gatewayapi`
 * providers, from the canary Deployment's (or DaemonSet's) traffic annotations: not PromQL, but the same HTTP API
 * and answer shapes, so Pennant's real Prometheus client is what runs. No canary replicas, no data.
 */
export class MetricStandIn {
  private server: Server | undefined;
  readonly queries: string[] = [];

  constructor(
    private readonly kube: KubeClient,
    /** What a Deployment's pods run: a paused one keeps its older template. */
    private readonly runningTemplate: (namespace: string, name: string) => { metadata?: { annotations?: Record<string, string> } } | undefined = () => undefined,
    /** What answers instead of the traffic annotations (`pennant simulate`: a metric story). */
    private readonly answerer?: QueryAnswerer,
  ) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** GET with ?query=, or a long (batched) query POSTed as a form, as Prometheus accepts both. */
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const query = (req.method === 'POST' ? new URLSearchParams(body) : url.searchParams).get('query') ?? '';
    this.queries.push(query);
    try {
      const series = await (this.answerer ?? ((q: string) => this.answerAll(q)))(query);
      res.writeHead(200, { 'content-type': 'application/json' });
      const result = series.map(({ labels, value }) => ({ metric: labels, value: [Date.now() / 1000, String(value)] }));
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
    } catch {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'error', errorType: 'internal', error: 'stand-in failed' }));
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /**
   * A canary's own query gets one unlabelled series; a grouped query (one for many canaries,
   * src/metrics/batch-queries.ts) one series per canary it names, labelled as Prometheus would.
   */
  private async answerAll(query: string): Promise<Series[]> {
    if (!query.includes('pennant_workload')) {
      const value = await this.answer(query);
      return value === null ? [] : [{ labels: {}, value }];
    }
    const namespaces = /kubernetes_namespace=~"([^"]+)"/.exec(query)?.[1]?.split('|') ?? [];
    const targets = /kubernetes_pod_name=~"\(\?:([^)]+)\)-/.exec(query)?.[1]?.split('|') ?? [];
    const histogram = query.includes('histogram_quantile');
    const series: Series[] = [];
    for (const namespace of namespaces) {
      for (const target of targets) {
        const value = await this.valueOf(namespace, target, histogram);
        if (value !== null) series.push({ labels: { kubernetes_namespace: namespace, pennant_workload: target }, value });
      }
    }
    return series;
  }

  private async answer(query: string): Promise<number | null> {
    if (query.trim() === 'vector(1)') return 1;
    const namespace = /namespace="([^"]+)"/.exec(query)?.[1];
    const target = /pod_name=~"([a-z0-9.-]+?)-\[/.exec(query)?.[1];
    if (!namespace || !target) return null;
    return this.valueOf(namespace, target, query.includes('histogram_quantile'));
  }

  private async valueOf(namespace: string, target: string, histogram: boolean): Promise<number | null> {
    const spec = await this.servingSpec(namespace, target);
    if (!spec) return null;
    const runs = this.runningTemplate(namespace, target) ?? spec.template;
    const behaviour = behaviourOf(runs?.metadata?.annotations);
    return histogram ? behaviour.latencyMs : 100 * (1 - behaviour.errorRate);
  }

  /** The target's spec while it has pods: a Deployment above 0 replicas, or a DaemonSet without a nodeSelector (no fake node has labels). */
  private async servingSpec(namespace: string, name: string): Promise<ServingSpec | undefined> {
    const deployment = (await this.kube.get({ ...DEPLOYMENT, namespace, name }))?.spec as ServingSpec | undefined;
    if (deployment) return (deployment.replicas ?? 1) === 0 ? undefined : deployment;
    const daemonSet = (await this.kube.get({ ...DAEMONSET, namespace, name }))?.spec as ServingSpec | undefined;
    return daemonSet && Object.keys(daemonSet.template?.spec?.nodeSelector ?? {}).length === 0 ? daemonSet : undefined;
  }
}
