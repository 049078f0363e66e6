import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { KubeClient } from '../kube/types.js';
import { type OperatorRequest, requestPatch } from '../operate/requests.js';
import { CANARY } from './source.js';

/** What the page's buttons may ask: the rest of the verbs stay with the CLI. */
export const UI_VERBS = ['promote', 'abort'] as const;
export type UiVerb = (typeof UI_VERBS)[number];

export const isUiVerb = (text: string): text is UiVerb => (UI_VERBS as readonly string[]).includes(text);

/** Writes the same pennant.dev/request annotation as `pennant promote | abort`; the controller answers in status.lastRequest. */
export type RequestWriter = (namespace: string, name: string, verb: UiVerb) => Promise<OperatorRequest>;

export function requestWriter(kube: KubeClient, by: string, now: () => Date = () => new Date()): RequestWriter {
  return async (namespace, name, verb) => {
    const request: OperatorRequest = { verb, id: randomUUID(), at: now().toISOString(), by };
    await kube.patch({ ...CANARY, namespace, name }, requestPatch(request), 'merge');
    return request;
  };
}

/**
 * A write must come from the page itself: a JSON POST (which another site's form cannot send without
 * a CORS preflight this server never answers) whose Origin, when the browser sends one, is this host.
 */
export function sameOriginJsonPost(req: IncomingMessage): string | undefined {
  if (req.method !== 'POST') return 'use POST';
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return 'content-type must be application/json';
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${req.headers.host ?? ''}` && origin !== `https://${req.headers.host ?? ''}`) return `origin ${origin} is not this server`;
  return undefined;
}
