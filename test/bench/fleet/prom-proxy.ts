import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Stands between the controllers and Prometheus and counts their queries. */
export interface CountingProxy {
  url: string;
  /** Queries (instant and range) answered so far. */
  queries(): number;
  stop(): Promise<void>;
}

export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const target = new URL(upstream);
  let queries = 0;
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/api/v1/query')) queries++;
    const forward = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', (err) => {
      res.writeHead(502);
      res.end(String(err));
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    queries: () => queries,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
