import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the receiver saw it; `url` is the raw request target (absolute when sent through a proxy). */
export interface Received {
  method: string;
  url: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: unknown;
}

/** Answers one request: a status (and body), or `hang` to never answer. */
export type Answer = number | { status: number; body?: string } | 'hang';

export interface Receiver {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  requests: Received[];
  close(): Promise<void>;
}

/** A webhook receiver on 127.0.0.1: answers with `answers` in turn (repeating the last), records every request. */
export async function startReceiver(...answers: Answer[]): Promise<Receiver> {
  const requests: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = req.url ?? '/';
      requests.push({ method: req.method ?? '', url, path: new URL(url, 'http://local').pathname, headers: req.headers, body, json: parse(body) });
      const answer = answers[Math.min(requests.length - 1, answers.length - 1)] ?? 200;
      if (answer === 'hang') return;
      const { status, body: text } = typeof answer === 'number' ? { status: answer, body: answer < 300 ? 'ok' : 'error' } : answer;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(text ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A URL nothing listens on: a server is started and closed again. */
export async function closedPortUrl(): Promise<string> {
  const receiver = await startReceiver();
  await receiver.close();
  return receiver.url;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
