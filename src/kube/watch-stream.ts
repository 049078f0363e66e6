import { createInterface } from 'node:readline';
import { codeForStatus, KubeError } from './errors.js';
import { isObject, type JsonObject } from './json.js';
import type { RestClient } from './rest-client.js';

export interface RawWatchEvent {
  type: string;
  object: JsonObject;
}

export interface WatchRequest {
  path: string;
  resourceVersion: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** The server ends the watch after this long; the informer then watches again. */
  timeoutSeconds: number;
  accept?: string;
}

/**
 * Runs one watch: resolves when the server ends it (timeout) or `signal` aborts it; rejects on a
 * network error, a failed request (410 → KubeError 'Gone'), a watch ERROR event, or when
 * `onEvent` throws — so the informer has exactly one place to decide how to go on.
 */
export async function runWatch(rest: RestClient, req: WatchRequest, onEvent: (e: RawWatchEvent) => void, signal: AbortSignal): Promise<void> {
  const query = {
    watch: 'true',
    resourceVersion: req.resourceVersion,
    allowWatchBookmarks: 'true',
    timeoutSeconds: String(req.timeoutSeconds),
    labelSelector: req.labelSelector,
    fieldSelector: req.fieldSelector,
  };
  // Bookmarks arrive about once a minute, so a minute of silence past the timeout means a dead connection.
  const res = await rest.stream({ method: 'GET', path: req.path, query, timeoutMs: (req.timeoutSeconds + 60) * 1000, ...(req.accept ? { accept: req.accept } : {}) }, signal);
  await new Promise<void>((resolve, reject) => {
    const lines = createInterface({ input: res, crlfDelay: Infinity });
    const fail = (err: unknown): void => {
      res.destroy();
      reject(err);
    };
    lines.on('line', (line) => {
      if (line.trim() === '') return;
      try {
        const event = parseEvent(line);
        if (event.type === 'ERROR') throw watchError(event.object);
        onEvent(event);
      } catch (err) {
        fail(err);
      }
    });
    const onError = (err: Error): void => {
      if (signal.aborted) resolve();
      else fail(new KubeError('Unavailable', `watch ${req.path}: ${err.message}`, undefined, { cause: err }));
    };
    // readline re-emits its input's errors: both need a listener, or a dropped connection is uncaught.
    res.on('error', onError);
    lines.on('error', onError);
    lines.on('close', () => resolve());
  });
}

function parseEvent(line: string): RawWatchEvent {
  const parsed: unknown = JSON.parse(line);
  if (!isObject(parsed) || typeof parsed.type !== 'string' || !isObject(parsed.object)) {
    throw new KubeError('Unknown', `malformed watch event: ${line.slice(0, 200)}`);
  }
  return { type: parsed.type, object: parsed.object };
}

/** A watch ERROR event carries a metav1.Status; 410 Expired means "relist". */
function watchError(status: JsonObject): KubeError {
  const code = typeof status.code === 'number' ? status.code : 500;
  const reason = typeof status.reason === 'string' ? status.reason : undefined;
  const message = typeof status.message === 'string' ? status.message : JSON.stringify(status);
  return new KubeError(codeForStatus(code, reason), `watch: ${message}`, code);
}
