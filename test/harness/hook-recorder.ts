import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback-server.js';

/** One webhook call as the receiver saw it: which hook (the URL's path), its Idempotency-Key and body. */
export interface RecordedCall {
  hook: string;
  idempotencyKey: string | undefined;
  payload: { name: string; namespace: string; phase: string; checksum: string; metadata?: Record<string, string> };
  /** The call was answered (false: the caller went away first, e.g. a killed controller). */
  answered: boolean;
}

export interface HookRecorderOptions {
  /** How long a hook's work takes before it answers (a load test, a migration), per path. */
  slowMs?: Record<string, number>;
  /** The status a path answers with, decided per call (default 200); e.g. a gate that opens after some asks. */
  status?: (hook: string, payload: RecordedCall['payload'], calls: readonly RecordedCall[]) => number;
}

export interface HookRecorder {
  /** `http://127.0.0.1:<port>`; a hook's URL is this plus its path (`/pre-rollout`). */
  url: string;
  calls: () => readonly RecordedCall[];
  /** Calls of `hook` grouped by `key` (e.g. the Idempotency-Key: one side effect each). */
  countBy: (hook: string, key: (call: RecordedCall) => string) => Map<string, number>;
  close: () => Promise<void>;
}

/**
 * A webhook receiver that records every call with its payload, so a test can count side effects per
 * decision (the Idempotency-Key) or per rollout (name and checksum), as a load tester or a
 * migration runner that keys on them would. Work counts as done when the call arrives.
 */
export async function startHookRecorder(options: HookRecorderOptions = {}): Promise<HookRecorder> {
  const calls: RecordedCall[] = [];
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const hook = (req.url ?? '/').split('?')[0] ?? '/';
    const key = req.headers['idempotency-key'];
    const call: RecordedCall = {
      hook,
      idempotencyKey: Array.isArray(key) ? key[0] : key,
      payload: JSON.parse(Buffer.concat(chunks).toString('utf8')) as RecordedCall['payload'],
      answered: false,
    };
    calls.push(call);
    const status = options.status?.(hook, call.payload, calls) ?? 200;
    const slow = options.slowMs?.[hook] ?? 0;
    if (slow > 0) await new Promise((resolve) => setTimeout(resolve, slow));
    if (res.destroyed || req.socket.destroyed) return;
    res.writeHead(status).end(status === 200 ? 'ok' : 'refused');
    call.answered = true;
  };
  const server = await listenOnLoopback((req, res) => {
    handle(req, res).catch(() => res.writeHead(400).end('not a webhook payload'));
  });
  return {
    url: server.url,
    calls: () => calls,
    countBy: (hook, key) => {
      const counts = new Map<string, number>();
      for (const call of calls.filter((c) => c.hook === hook)) counts.set(key(call), (counts.get(key(call)) ?? 0) + 1);
      return counts;
    },
    close: () => server.close(),
  };
}
