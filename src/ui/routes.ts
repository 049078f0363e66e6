import type { IncomingMessage, ServerResponse } from 'node:http';
import { isUiVerb, type RequestWriter, sameOriginJsonPost } from './actions.js';
import type { UiHub } from './hub.js';
import { safeJson } from './safe-json.js';
import { openEventStream, sseFrame } from './sse.js';
import { SECURITY_HEADERS, serveStatic } from './static-files.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface UiOptions {
  hub: UiHub;
  /** Set only with --allow-actions: the page then shows promote and abort. */
  write?: RequestWriter;
  /** Where the controller runs, before its cache has synced: the page says so. */
  ready?: () => boolean;
}

export const UI_PATH = '/ui';

/**
 * The web view's routes for createHttpServer: the pages, /ui/api/ (JSON), /ui/events (server-sent
 * events) and, with actions allowed, POST /ui/api/canaries/<namespace>/<name>/<promote|abort>.
 */
export function uiRoutes(options: UiOptions): Record<string, Handler> {
  const handle: Handler = (req, res) => route(options, req, res);
  return { [UI_PATH]: handle, [`${UI_PATH}/`]: handle };
}

async function route(options: UiOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const parts = pathParts(url.pathname);
  if (!parts) return json(res, 400, { error: `not a well-formed path: ${url.pathname}` });
  const [first, ...rest] = parts;
  if (first === undefined) return redirectOr(res, url.pathname, 'index.html');
  if (first === 'canary' && rest.length === 0) return page(res, 'canary.html');
  if (first === 'static' && rest.length === 1 && rest[0]) return page(res, rest[0]);
  if (first === 'events' && rest.length === 0) return stream(options, req, res, url.searchParams.get('canary') ?? undefined);
  if (first === 'api' && rest[0] === 'canaries') return api(options, req, res, rest.slice(1));
  return json(res, 404, { error: `no such page: ${url.pathname}` });
}

function pathParts(pathname: string): string[] | undefined {
  try {
    return pathname.slice(UI_PATH.length).split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined; // a lone % (URIError)
  }
}

/** /ui becomes /ui/, so the pages' relative links resolve under it. */
async function redirectOr(res: ServerResponse, path: string, file: string): Promise<void> {
  if (!path.endsWith('/')) {
    res.writeHead(308, { ...SECURITY_HEADERS, location: `${UI_PATH}/` }).end();
    return;
  }
  return page(res, file);
}

async function page(res: ServerResponse, file: string): Promise<void> {
  if (!(await serveStatic(res, file))) json(res, 404, { error: `no such file: ${file}` });
}

async function api(options: UiOptions, req: IncomingMessage, res: ServerResponse, path: string[]): Promise<void> {
  const [namespace, name, verb] = path;
  if (namespace === undefined) return json(res, 200, { ...options.hub.list(), actions: options.write !== undefined, ready: options.ready?.() ?? true });
  if (name === undefined) return json(res, 404, { error: 'expected /ui/api/canaries/<namespace>/<name>' });
  if (verb === undefined) {
    await options.hub.ensureEvents();
    const detail = options.hub.detail(namespace, name);
    return detail ? json(res, 200, { ...detail, actions: options.write !== undefined }) : json(res, 404, { error: `canary ${namespace}/${name} not found` });
  }
  return act(options, req, res, namespace, name, verb);
}

async function act(options: UiOptions, req: IncomingMessage, res: ServerResponse, namespace: string, name: string, verb: string): Promise<void> {
  if (!options.write) return json(res, 403, { error: 'this web view is read-only (start pennant ui with --allow-actions to promote or abort)' });
  if (!isUiVerb(verb)) return json(res, 404, { error: `${verb}: the web view can promote or abort` });
  const refused = sameOriginJsonPost(req);
  if (refused) return json(res, 403, { error: refused });
  req.resume();
  if (!options.hub.detail(namespace, name)) return json(res, 404, { error: `canary ${namespace}/${name} not found` });
  const request = await options.write(namespace, name, verb);
  return json(res, 202, { requested: request });
}

/** One viewer's stream: the current picture first, then what the hub sends. */
async function stream(options: UiOptions, req: IncomingMessage, res: ServerResponse, canary: string | undefined): Promise<void> {
  if (canary !== undefined) await options.hub.ensureEvents();
  openEventStream(res, SECURITY_HEADERS);
  const [namespace = '', name = ''] = (canary ?? '').split('/');
  const detail = canary === undefined ? undefined : options.hub.detail(namespace, name);
  const list = () => sseFrame('list', { ...options.hub.list(), ready: options.ready?.() ?? true });
  res.write(canary === undefined ? list() : detail ? sseFrame('canary', detail) : sseFrame('gone', { key: canary }));
  const stop = options.hub.subscribe({ ...(canary !== undefined ? { canary } : {}), send: (frame) => void res.write(frame) });
  req.on('close', stop);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(safeJson(body));
}
