import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeClient } from '../kube/types.js';
import { behaviourOf } from './traffic-annotations.js';

const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' };

/**
 * Answers Prometheus instant queries for the builtin metrics of the `kubernetes` and `gatewayapi`
 * providers, from the canary Deployment's traffic annotations: not PromQL, but the same HTTP API
 * and answer shapes, so Pennant's real Prometheus client is what runs. No canary replicas, no data.
 */
export class MetricStandIn {
  private server: Server | undefined;
  readonly queries: string[] = [];

  constructor(
    private readonly kube: KubeClient,
    /** What a Deployment's pods run: a paused one keeps its older template. */
    private readonly runningTemplate: (namespace: string, name: string) => { metadata?: { annotations?: Record<string, string> } } | undefined = () => undefined,
  ) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const query = url.searchParams.get('query') ?? '';
      this.queries.push(query);
      this.answer(query).then(
        (value) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          const result = value === null ? [] : [{ metric: {}, value: [Date.now() / 1000, String(value)] }];
          res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
        },
        () => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: 'error', errorType: 'internal', error: 'stand-in failed' }));
        },
      );
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async answer(query: string): Promise<number | null> {
    if (query.trim() === 'vector(1)') return 1;
    const namespace = /namespace="([^"]+)"/.exec(query)?.[1];
    const target = /pod_name=~"([a-z0-9.-]+?)-\[/.exec(query)?.[1];
    if (!namespace || !target) return null;
    const d = await this.kube.get({ ...DEPLOYMENT, namespace, name: target });
    const spec = d?.spec as { replicas?: number; template?: { metadata?: { annotations?: Record<string, string> } } } | undefined;
    if (!spec || (spec.replicas ?? 1) === 0) return null;
    const runs = this.runningTemplate(namespace, target) ?? spec.template;
    const behaviour = behaviourOf(runs?.metadata?.annotations);
    return query.includes('histogram_quantile') ? behaviour.latencyMs : 100 * (1 - behaviour.errorRate);
  }
}
