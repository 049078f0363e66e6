import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { GitSource } from '../api/index.js';
import type { GitOpsMetrics } from './metrics.js';
import { ReplayGuard } from './replay-guard.js';

export const PUSH_PATH_PREFIX = '/hooks/gitsources/';
export const SIGNATURE_HEADER = 'x-hub-signature-256';
/** Push payloads are a few KB; GitHub caps them at 25 MB, but only the signature matters here. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface PushReceiverDeps {
  /** Is this replica syncing (the leader, started)? A standby answers 503. */
  active(): boolean;
  gitSource(namespace: string, name: string): GitSource | undefined;
  /** Decoded data of a Secret in the cache. */
  secret(namespace: string, name: string): Promise<Record<string, string> | undefined> | Record<string, string> | undefined;
  syncNow(namespace: string, name: string): boolean;
  logger: Logger;
  metrics?: GitOpsMetrics;
  /** Accepted bodies, to refuse a replayed request (one per receiver unless given). */
  replays?: ReplayGuard;
}

/**
 * `X-Hub-Signature-256: sha256=<hex>` (GitHub, Gitea, Forgejo): the HMAC-SHA256 of the raw body with
 * the shared token. Compared in constant time; anything malformed is simply not valid.
 */
export function verifySignature(body: Buffer, header: string | undefined, token: string): boolean {
  if (!header?.startsWith('sha256=') || token === '') return false;
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  const expected = createHmac('sha256', token).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export const signBody = (body: Buffer | string, token: string): string => `sha256=${createHmac('sha256', token).update(body).digest('hex')}`;

/**
 * `POST /hooks/gitsources/<namespace>/<name>`: 202 and a sync now for a correctly signed push,
 * 401 for a missing or wrong signature, 409 for a signed body already accepted (a replay), 413 for a
 * body over MAX_BODY_BYTES, 404 for an unknown GitSource or one without a webhook. The body and the
 * token are never logged.
 */
export function pushReceiver(deps: PushReceiverDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const guarded = { ...deps, replays: deps.replays ?? new ReplayGuard() };
  return async (req, res) => {
    const status = await handle(guarded, req, res);
    deps.metrics?.pushes.inc({ result: String(status) });
  };
}

async function handle(deps: PushReceiverDeps & { replays: ReplayGuard }, req: IncomingMessage, res: ServerResponse): Promise<number> {
  const answer = (status: number, text: string): number => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...(status === 405 ? { allow: 'POST' } : {}) });
    res.end(`${text}\n`);
    return status;
  };
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const [namespace, name, ...rest] = path.slice(PUSH_PATH_PREFIX.length).split('/').map(decodeURIComponent);
  if (req.method !== 'POST') return drain(req, () => answer(405, 'use POST'));
  if (!namespace || !name || rest.length > 0) return drain(req, () => answer(404, 'not found: POST /hooks/gitsources/<namespace>/<name>'));
  if (!deps.active()) return drain(req, () => answer(503, 'this replica is on standby; the leader syncs on its interval'));
  const source = deps.gitSource(namespace, name);
  const secretRef = source?.spec.webhook?.secretRef;
  if (!source || !secretRef) return drain(req, () => answer(404, `no GitSource ${namespace}/${name} with a webhook`));
  const body = await readBody(req, MAX_BODY_BYTES);
  if (body === undefined) return answer(413, `body larger than ${MAX_BODY_BYTES} bytes`);
  const token = (await deps.secret(namespace, secretRef.name))?.token;
  if (!token) {
    deps.logger.warn({ gitsource: `${namespace}/${name}`, secret: secretRef.name }, 'push refused: the webhook Secret or its token key is missing');
    return answer(401, 'cannot verify the signature');
  }
  const header = req.headers[SIGNATURE_HEADER];
  if (!verifySignature(body, Array.isArray(header) ? header[0] : header, token)) {
    deps.logger.warn({ gitsource: `${namespace}/${name}`, signed: header !== undefined }, 'push refused: bad or missing signature');
    return answer(401, 'bad or missing X-Hub-Signature-256');
  }
  if (!deps.replays.firstSeen(`${namespace}/${name}`, signBody(body, token))) {
    deps.logger.warn({ gitsource: `${namespace}/${name}` }, 'push refused: this signed body was already received (a replay)');
    return answer(409, 'this push was already received; a new push is announced with a new body');
  }
  deps.syncNow(namespace, name);
  deps.logger.info({ gitsource: `${namespace}/${name}`, event: req.headers['x-github-event'] ?? req.headers['x-gitea-event'] }, 'push received, syncing');
  return answer(202, 'sync queued');
}

/** The raw body, or undefined once it passes `limit` (the rest is not read). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Answers without reading a body we do not need, and lets the connection be reused. */
function drain(req: IncomingMessage, answer: () => number): number {
  req.resume();
  return answer();
}
