import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface HttpServerDeps {
  registry: Registry;
  /** Ready once the informers have synced and the workers run. */
  ready: () => boolean;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/**
 * /healthz, /readyz and /metrics; more routes (push receiver, web view) plug into `extra`. A key
 * ending in `/` serves every path under it (`/hooks/gitsources/` → `/hooks/gitsources/ns/name`).
 */
export function createHttpServer(deps: HttpServerDeps, extra: Record<string, Handler> = {}): Server {
  const routes: Record<string, Handler> = {
    '/healthz': (_req, res) => text(res, 200, 'ok'),
    '/readyz': (_req, res) => (deps.ready() ? text(res, 200, 'ready') : text(res, 503, 'informers not synced yet')),
    '/metrics': async (_req, res) => {
      res.writeHead(200, { 'content-type': deps.registry.contentType });
      res.end(await deps.registry.metrics());
    },
    ...extra,
  };
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const prefix = Object.keys(routes).filter((key) => key.endsWith('/') && path.startsWith(key)).sort((a, b) => b.length - a.length)[0];
    const handler = routes[path] ?? (prefix === undefined ? undefined : routes[prefix]);
    if (!handler) return text(res, 404, 'not found');
    Promise.resolve(handler(req, res)).catch((err: unknown) => text(res, 500, err instanceof Error ? err.message : 'error'));
  });
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(`${body}\n`);
}

export async function listen(server: Server, port: number, host = '0.0.0.0'): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}
