import type { Informer, KubeObject, WatchEventType } from '../kube/types.js';
import { WeightHistory } from './history.js';
import { SSE_HEARTBEAT, sseFrame } from './sse.js';
import { type CanaryFeed, eventSubject } from './source.js';
import { type CanaryDetail, canaryKey, type CanaryRow, detailOf, rowOf } from './view-model.js';

/** A browser holding /ui/events open: the table (no canary) or one Canary's page. */
export interface Viewer {
  canary?: string;
  send(frame: string): void;
}

export interface UiHubDeps {
  canaries: CanaryFeed;
  events: Informer;
  now?: () => Date;
  /** Changes within this window go out as one frame: a thousand Canaries moving cost one redraw. */
  flushMs?: number;
  heartbeatMs?: number;
}

/** What the table's page loads first; later changes come as `rows` frames. */
export interface ListPayload {
  rows: CanaryRow[];
}

/**
 * The web view's one subscription to the cache, fanned out to every viewer: each change is turned
 * into a row (and a point of weight history) once, and the frames built once per flush are written
 * to every stream that shows it. No viewer causes a request to the API server.
 */
export class UiHub {
  private readonly rows = new Map<string, CanaryRow>();
  private readonly objects = new Map<string, KubeObject>();
  private readonly history = new WeightHistory();
  private readonly viewers = new Set<Viewer>();
  private readonly changedRows = new Set<string>();
  private readonly changedPages = new Set<string>();
  private readonly unsubscribe: (() => void)[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private eventsStarted: Promise<void> | undefined;
  private eventsProblem: string | undefined;
  private readonly now: () => Date;

  constructor(private readonly deps: UiHubDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** After the feed has listed (the controller's cache is watching Canaries). */
  start(): void {
    for (const obj of this.deps.canaries.list()) this.observe('ADDED', obj);
    this.changedRows.clear();
    this.changedPages.clear();
    this.unsubscribe.push(this.deps.canaries.onChange((type, obj) => this.observe(type, obj)));
    // Tables opened before the cache synced (a standby that now leads) get the whole list.
    const list = sseFrame('list', { ...this.list(), ready: true });
    this.broadcast((viewer) => (viewer.canary === undefined ? list : undefined));
    this.heartbeat = setInterval(() => this.broadcast(() => SSE_HEARTBEAT), this.deps.heartbeatMs ?? 25_000);
    this.heartbeat.unref();
  }

  stop(): void {
    this.unsubscribe.splice(0).forEach((off) => off());
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.eventsStarted) this.deps.events.stop();
  }

  list(): ListPayload {
    return { rows: [...this.rows.values()].sort((a, b) => a.key.localeCompare(b.key)) };
  }

  detail(namespace: string, name: string): (CanaryDetail & { eventsProblem?: string }) | undefined {
    const key = canaryKey(namespace, name);
    const obj = this.objects.get(key);
    if (!obj) return undefined;
    const events = this.deps.events.list(namespace).filter((e) => eventSubject(e)?.name === name);
    return { ...detailOf(obj, events, this.history.of(key), this.now()), ...(this.eventsProblem ? { eventsProblem: this.eventsProblem } : {}) };
  }

  /** Events are watched from the first page that shows them on; a failure (RBAC) is shown on the page and retried by the next. */
  async ensureEvents(): Promise<void> {
    this.eventsStarted ??= this.deps.events.start().then(
      () => {
        this.eventsProblem = undefined;
        this.unsubscribe.push(this.deps.events.onChange((_type, event) => this.eventChanged(event)));
      },
      (err: unknown) => {
        this.eventsStarted = undefined;
        this.eventsProblem = `Events cannot be read: ${err instanceof Error ? err.message : String(err)}`;
      },
    );
    await this.eventsStarted;
  }

  /** Returns the function that stops sending to this viewer. */
  subscribe(viewer: Viewer): () => void {
    this.viewers.add(viewer);
    return () => this.viewers.delete(viewer);
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  private observe(type: WatchEventType, obj: KubeObject): void {
    const key = canaryKey(obj.metadata.namespace, obj.metadata.name);
    if (type === 'DELETED') {
      this.rows.delete(key);
      this.objects.delete(key);
      this.history.forget(key);
    } else {
      const row = rowOf(obj, this.now());
      this.rows.set(key, row);
      this.objects.set(key, obj);
      this.history.observe(key, row.weight, row.phase, this.now());
    }
    this.changedRows.add(key);
    this.changedPages.add(key);
    this.scheduleFlush();
  }

  private eventChanged(event: KubeObject): void {
    const subject = eventSubject(event);
    if (!subject) return;
    this.changedPages.add(canaryKey(subject.namespace, subject.name));
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    this.flushTimer ??= setTimeout(() => this.flush(), this.deps.flushMs ?? 200);
  }

  /** Sends what changed since the last flush: one `rows` frame for the tables, a `canary` frame per open page. */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const keys = [...this.changedRows];
    const pages = new Map<string, string>();
    const watched = new Set([...this.viewers].map((viewer) => viewer.canary));
    // A page is built only for a Canary someone is looking at.
    for (const key of [...this.changedPages].filter((k) => watched.has(k))) {
      const [namespace = '', name = ''] = key.split('/');
      const detail = this.detail(namespace, name);
      pages.set(key, detail ? sseFrame('canary', detail) : sseFrame('gone', { key }));
    }
    this.changedRows.clear();
    this.changedPages.clear();
    const upsert = keys.map((key) => this.rows.get(key)).filter((row): row is CanaryRow => row !== undefined);
    const rows = keys.length ? sseFrame('rows', { upsert, remove: keys.filter((key) => !this.rows.has(key)) }) : undefined;
    this.broadcast((viewer) => (viewer.canary === undefined ? rows : pages.get(viewer.canary)));
  }

  private broadcast(frameFor: (viewer: Viewer) => string | undefined): void {
    for (const viewer of this.viewers) {
      const frame = frameFor(viewer);
      if (frame !== undefined) viewer.send(frame);
    }
  }
}
