import type { ServerResponse } from 'node:http';
import { safeJson } from './safe-json.js';

/**
 * One server-sent event (text/event-stream): `event:` names it, each line of the JSON payload goes
 * on its own `data:` line, a blank line ends it. JSON.stringify writes no raw newline, but a
 * payload's line breaks would otherwise end the event early, so the split is kept.
 */
export function sseFrame(event: string, data: unknown, id?: string): string {
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(event)) throw new Error(`sse: event name "${event}" must be a word`);
  const lines = safeJson(data).split(/\r\n|\r|\n/).map((line) => `data: ${line}`);
  return `${id === undefined ? '' : `id: ${id.replace(/[\r\n]/g, '')}\n`}event: ${event}\n${lines.join('\n')}\n\n`;
}

/** A comment line: keeps proxies and the browser from closing an idle stream. */
export const SSE_HEARTBEAT = ': keep-alive\n\n';

/** How long a browser waits before it reconnects after the stream drops. */
export const SSE_RETRY_MS = 3000;

/** Starts an event stream on `res`: headers, the reconnect delay, and no buffering by proxies. */
export function openEventStream(res: ServerResponse, headers: Record<string, string>): void {
  res.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(`retry: ${SSE_RETRY_MS}\n\n`);
}
