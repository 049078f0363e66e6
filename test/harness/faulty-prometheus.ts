import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback-server.js';

/** What the stand-in does with a query: pass it on, or fail the way a broken Prometheus does. */
export type PrometheusFault = 'none' | 'down' | 'slow' | 'garbage' | 'nan';

export interface FaultyPrometheus {
  /** `http://127.0.0.1:<port>`: give it to Pennant as the metrics server. */
  url: string;
  fault: PrometheusFault;
  /** Queries answered with a fault so far. */
  faulted: number;
  stop(): Promise<void>;
}

const NAN_VECTOR = JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [0, 'NaN'] }] } });

/**
 * A proxy in front of a real Prometheus that injects one fault at a time: `down` resets the
 * connection, `slow` answers after `slowMs`, `garbage` is a 200 that is not the API's JSON, `nan`
 * a well-formed vector whose value is NaN.
 */
export async function startFaultyPrometheus(upstream: () => string, slowMs: number): Promise<FaultyPrometheus> {
  const state: FaultyPrometheus = { url: '', fault: 'none', faulted: 0, stop: async () => undefined };
  const http = await listenOnLoopback((req, res) => void answer(req, res));

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readAll(req);
    const fault = state.fault;
    if (fault !== 'none') state.faulted++;
    if (fault === 'down') return void req.socket.destroy();
    if (fault === 'garbage') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>502 Bad Gateway</body></html>');
    if (fault === 'nan') return void res.writeHead(200, { 'content-type': 'application/json' }).end(NAN_VECTOR);
    if (fault === 'slow') await new Promise((r) => setTimeout(r, slowMs));
    const headers: Record<string, string> = {};
    if (req.headers['content-type']) headers['content-type'] = req.headers['content-type'];
    const passed = await fetch(`${upstream()}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers, ...(body.length ? { body } : {}) }).catch(() => undefined);
    if (!passed) return void req.socket.destroy();
    res.writeHead(passed.status, { 'content-type': passed.headers.get('content-type') ?? 'application/json' }).end(Buffer.from(await passed.arrayBuffer()));
  }

  state.url = http.url;
  state.stop = () => http.close();
  return state;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
