import type { RequestListener } from 'node:http';
import type { Registry } from 'prom-client';

/** `/metrics` for Prometheus from a private registry, `/stats` as JSON for a human debugging a test. */
export function metricsEndpoint(registry: Registry, stats: () => unknown): RequestListener {
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/stats') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats()));
      return;
    }
    if (path !== '/metrics') {
      res.writeHead(404).end('not found: try /metrics or /stats');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  };
}
