import { isNotFound } from './errors.js';
import { kubeTime } from './json.js';
import type { EventInput, KubeObject, ObjectRef } from './types.js';

/** What the recorder needs from a client: create an Event, merge-patch an existing one. */
export interface EventSink {
  create(event: KubeObject): Promise<KubeObject>;
  patch(ref: ObjectRef, patch: unknown): Promise<KubeObject>;
}

export const EVENT_SOURCE = 'pennant';
/** Repeats inside this window bump `count` instead of creating an Event (client-go's correlator does the same). */
export const EVENT_CORRELATION_WINDOW_MS = 10 * 60 * 1000;
const MAX_REMEMBERED = 4096;

interface Seen {
  name: string;
  namespace: string;
  count: number;
  lastSeenMs: number;
}

/**
 * core/v1 Event recording with correlation, shared by both clients so they behave alike.
 * Which Event to bump is remembered in memory, as client-go does: after a restart the next
 * repeat creates a fresh Event. Records of the same key are serialised so a burst counts up.
 */
export class EventRecorder {
  private readonly seen = new Map<string, Seen>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private sequence = 0;

  constructor(
    private readonly sink: EventSink,
    private readonly now: () => Date,
  ) {}

  async record(input: EventInput): Promise<void> {
    const key = correlationKey(input);
    const previous = this.inFlight.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.recordNow(key, input));
    this.inFlight.set(key, next);
    try {
      await next;
    } finally {
      if (this.inFlight.get(key) === next) this.inFlight.delete(key);
    }
  }

  private async recordNow(key: string, input: EventInput): Promise<void> {
    const now = this.now();
    const seen = this.seen.get(key);
    if (seen && now.getTime() - seen.lastSeenMs < EVENT_CORRELATION_WINDOW_MS) {
      try {
        const ref = { apiVersion: 'v1', kind: 'Event', namespace: seen.namespace, name: seen.name };
        await this.sink.patch(ref, { count: seen.count + 1, lastTimestamp: kubeTime(now) });
        this.remember(key, { ...seen, count: seen.count + 1, lastSeenMs: now.getTime() });
        return;
      } catch (err) {
        // The Event expired or was deleted: start a new one, as client-go does.
        if (!isNotFound(err)) throw err;
      }
    }
    const event = newEvent(input, this.eventName(input.regarding.name, now), now);
    await this.sink.create(event);
    const namespace = event.metadata.namespace ?? 'default';
    this.remember(key, { name: event.metadata.name ?? '', namespace, count: 1, lastSeenMs: now.getTime() });
  }

  private remember(key: string, seen: Seen): void {
    this.seen.delete(key); // re-insert so Map order is least-recently-used first
    this.seen.set(key, seen);
    if (this.seen.size > MAX_REMEMBERED) {
      const oldest = this.seen.keys().next();
      if (!oldest.done) this.seen.delete(oldest.value);
    }
  }

  /** "<object>.<hex nanoseconds>" like client-go, plus a sequence so two events in one ms differ. */
  private eventName(objectName: string, now: Date): string {
    const nanos = BigInt(now.getTime()) * 1_000_000n + BigInt(this.sequence++ % 1_000_000);
    return `${objectName}.${nanos.toString(16)}`;
  }
}

function correlationKey(input: EventInput): string {
  const r = input.regarding;
  return JSON.stringify([r.apiVersion, r.kind, r.namespace ?? '', r.name, r.uid ?? '', input.type, input.reason, input.message]);
}

function newEvent(input: EventInput, name: string, now: Date): KubeObject {
  const { regarding } = input;
  const involvedObject: Record<string, string> = { apiVersion: regarding.apiVersion, kind: regarding.kind, name: regarding.name };
  if (regarding.namespace) involvedObject.namespace = regarding.namespace;
  if (regarding.uid) involvedObject.uid = regarding.uid;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    // Events of cluster-scoped objects go to "default", as kubectl and client-go put them.
    metadata: { name, namespace: regarding.namespace ?? 'default' },
    involvedObject,
    type: input.type,
    reason: input.reason,
    message: input.message,
    count: 1,
    firstTimestamp: kubeTime(now),
    lastTimestamp: kubeTime(now),
    source: { component: EVENT_SOURCE },
  };
}
