import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Header name (lower case) → every value sent, one per header line. */
  headers: Map<string, string[]>;
  body: unknown;
}

export type Reply = { status: number; body?: unknown } | { stream: (res: http.ServerResponse) => void };
export type Route = (req: SeenRequest) => Reply | undefined;

const DISCOVERY: Record<string, unknown> = {
  '/api/v1': {
    resources: [
      { name: 'configmaps', namespaced: true, kind: 'ConfigMap' },
      { name: 'namespaces', namespaced: false, kind: 'Namespace' },
      { name: 'events', namespaced: true, kind: 'Event' },
    ],
  },
  '/apis/apps/v1': {
    resources: [
      { name: 'deployments', namespaced: true, kind: 'Deployment' },
      { name: 'deployments/status', namespaced: true, kind: 'Deployment' },
    ],
  },
};

/**
 * A stand-in API server on 127.0.0.1 for RealKube's HTTP edge: serves discovery, records every
 * request, and answers with whatever the test's route returns (404 otherwise).
 */
export class FakeApiServer {
  readonly requests: SeenRequest[] = [];
  route: Route = () => undefined;
  url = '';
  private readonly server = http.createServer((req, res) => this.handle(req, res));

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** A kubeconfig file for `server` (plain HTTP, so skip-tls-verify as client-node requires). */
  static kubeconfigFor(server: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'pennant-kube-'));
    const file = join(dir, 'kubeconfig');
    writeFileSync(file, JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'fake', cluster: { server, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'tester', user: { token: 'secret-token' } }],
      contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'tester' } }],
      'current-context': 'fake',
    }));
    return file;
  }

  requestsTo(path: string): SeenRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const headers = new Map<string, string[]>();
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = (req.rawHeaders[i] ?? '').toLowerCase();
        headers.set(name, [...(headers.get(name) ?? []), req.rawHeaders[i + 1] ?? '']);
      }
      const text = Buffer.concat(chunks).toString('utf8');
      const seen = { method: req.method ?? '', path: url.pathname, query: url.searchParams, headers, body: text ? JSON.parse(text) : undefined };
      this.requests.push(seen);
      const reply = DISCOVERY[url.pathname] && req.method === 'GET' ? { status: 200, body: DISCOVERY[url.pathname] } : this.route(seen);
      if (reply && 'stream' in reply) return reply.stream(res);
      const { status, body } = reply ?? { status: 404, body: { kind: 'Status', code: 404, reason: 'NotFound', message: `${url.pathname} not found` } };
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body ?? {}));
    });
  }
}
