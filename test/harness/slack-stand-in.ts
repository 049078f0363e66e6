import type { IncomingHttpHeaders } from 'node:http';
import { listenOnLoopback } from './loopback-server.js';
import { waitUntil } from './wait.js';

export interface ReceivedMessage {
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body; the raw text when it was not JSON. */
  body: unknown;
  raw: string;
  receivedAt: Date;
}

export interface SlackStandInOptions {
  /** Status to answer with (default 200, body "ok" like Slack's incoming webhooks). */
  status?: number;
}

/** One answer: a status, its body and headers (e.g. Slack's 429 with `Retry-After`). */
export interface StandInAnswer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface SlackStandIn {
  /** `http://127.0.0.1:<port>`; any path works, e.g. `${url}/services/T000/B000/XXX`. */
  url: string;
  /** Every POST, oldest first. */
  messages: ReceivedMessage[];
  /** Change the answer for the following requests (test retries and failures). */
  respondWith(status: number, body?: string, headers?: Record<string, string>): void;
  /** Answer the next requests with these, in turn, then go back to the `respondWith` answer. */
  answerNext(...answers: StandInAnswer[]): void;
  /** Resolves with the first message matching `predicate` (already received or arriving within the timeout). */
  waitFor(predicate: (message: ReceivedMessage) => boolean, timeoutMs?: number): Promise<ReceivedMessage>;
  stop(): Promise<void>;
}

/** A local HTTP receiver standing in for Slack's (or any JSON) webhook: records and answers. */
export async function startSlackStandIn(options: SlackStandInOptions = {}): Promise<SlackStandIn> {
  const messages: ReceivedMessage[] = [];
  let answer = withBody({ status: options.status ?? 200 });
  const next: StandInAnswer[] = [];
  const http = await listenOnLoopback((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'POST') {
        const raw = Buffer.concat(chunks).toString('utf8');
        messages.push({ path: req.url ?? '/', headers: req.headers, body: parseJson(raw), raw, receivedAt: new Date() });
      }
      const { status, body, headers } = withBody(next.shift() ?? answer);
      res.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(body);
    });
  });
  return {
    url: http.url,
    messages,
    respondWith: (status, body, headers) => {
      answer = withBody({ status, ...(body === undefined ? {} : { body }), ...(headers ? { headers } : {}) });
    },
    answerNext: (...answers) => void next.push(...answers),
    waitFor: (predicate, timeoutMs = 10_000) =>
      waitUntil(() => messages.find(predicate), { timeoutMs, intervalMs: 20, what: 'a matching webhook message' }),
    stop: () => http.close(),
  };
}

const withBody = (a: StandInAnswer): Required<StandInAnswer> => ({ status: a.status, body: a.body ?? (a.status >= 400 ? 'error' : 'ok'), headers: a.headers ?? {} });

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}
