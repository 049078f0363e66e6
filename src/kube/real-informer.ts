import { KubeError } from './errors.js';
import { InformerCache } from './informer-cache.js';
import type { Informer, InformerHandler, KubeObject } from './types.js';

/** A watch event the informer applies: BOOKMARKs only move the resourceVersion on. */
export interface ListWatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
  object: KubeObject;
}

/** What the informer needs from the API: a full list and a watch from a resourceVersion. */
export interface ListWatchSource {
  list(): Promise<{ items: KubeObject[]; resourceVersion: string }>;
  /** Resolves when the watch ends normally; rejects on error (KubeError 'Gone' when the version is too old). */
  watch(resourceVersion: string, onEvent: (event: ListWatchEvent) => void, signal: AbortSignal): Promise<void>;
}

export interface RealInformerOptions {
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Hears each failed list or watch before the retry: a controller that retries says why. */
  onRestart?: (err: unknown, retryInMs: number) => void;
}

/**
 * list + watch + cache. After the first list it keeps watching from the last resourceVersion it
 * saw: when the server ends a watch it watches again; on 410 Gone it relists and reports the
 * difference as events; on any other error it restarts with exponential backoff (capped at
 * 30s) and counts the restart — client-node's own informer stops for good after an error.
 */
export class RealInformer implements Informer {
  private readonly cache: InformerCache;
  private resourceVersion = '';
  private running = false;
  private starting: Promise<void> | undefined;
  /** Bumped by every start, so a loop left over from before a stop()/start() pair exits. */
  private epoch = 0;
  private abort: AbortController | undefined;
  private wake: (() => void) | undefined;
  private restartCount = 0;
  private relistCount = 0;
  private lastFailure: unknown;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly onRestart: (err: unknown, retryInMs: number) => void;

  constructor(
    private readonly source: ListWatchSource,
    options: RealInformerOptions = {},
    keep: (obj: KubeObject) => KubeObject = (obj) => obj,
  ) {
    this.cache = new InformerCache(keep);
    this.initialBackoffMs = options.initialBackoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.onRestart = options.onRestart ?? (() => undefined);
  }

  /** Watch restarts after errors since start (a health signal; 410 relists are not counted). */
  get restarts(): number {
    return this.restartCount;
  }

  /** Relists after 410 Gone since start: the server no longer had the changes since our resourceVersion. */
  get relists(): number {
    return this.relistCount;
  }

  /** The error behind the latest restart, if any. */
  get lastError(): unknown {
    return this.lastFailure;
  }

  /** Resolves once the first list is cached (every caller waits for the same list); rejects if it fails. */
  start(): Promise<void> {
    this.starting ??= this.begin().catch((err: unknown) => {
      this.starting = undefined;
      throw err;
    });
    return this.starting;
  }

  stop(): void {
    this.running = false;
    this.starting = undefined;
    this.abort?.abort();
    this.wake?.();
  }

  private async begin(): Promise<void> {
    this.running = true;
    const epoch = ++this.epoch;
    try {
      await this.relist(true);
    } catch (err) {
      this.running = false;
      throw err;
    }
    if (epoch === this.epoch && this.running) void this.loop(epoch);
  }

  list(namespace?: string): KubeObject[] {
    return this.cache.list(namespace);
  }

  get(namespace: string | undefined, name: string): KubeObject | undefined {
    return this.cache.get(namespace, name);
  }

  onChange(handler: InformerHandler): () => void {
    return this.cache.onChange(handler);
  }

  private async loop(epoch: number): Promise<void> {
    const live = (): boolean => this.running && epoch === this.epoch;
    let backoff = this.initialBackoffMs;
    while (live()) {
      const startedAt = Date.now();
      try {
        if (!this.resourceVersion) await this.relist(false);
        if (!live()) return;
        await this.watchOnce();
        // A watch the server ends at once, again and again, must not become a busy loop.
        if (Date.now() - startedAt < 1000) await this.sleep(backoff);
        else backoff = this.initialBackoffMs;
      } catch (err) {
        if (!live()) return;
        if (err instanceof KubeError && err.code === 'Gone') {
          this.relistCount += 1;
          this.resourceVersion = '';
          continue;
        }
        this.restartCount += 1;
        this.lastFailure = err;
        this.onRestart(err, backoff);
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, this.maxBackoffMs);
      }
    }
  }

  private async watchOnce(): Promise<void> {
    const abort = new AbortController();
    this.abort = abort;
    try {
      await this.source.watch(this.resourceVersion, (event) => this.observe(event), abort.signal);
    } finally {
      this.abort = undefined;
    }
  }

  private observe(event: ListWatchEvent): void {
    if (!this.running) return;
    const version = event.object.metadata.resourceVersion;
    if (event.type !== 'BOOKMARK') this.cache.apply(event.type, event.object);
    if (version) this.resourceVersion = version;
  }

  /** Replaces the cache with a fresh list; after the first, reports what changed meanwhile. */
  private async relist(first: boolean): Promise<void> {
    const { items, resourceVersion } = await this.source.list();
    if (!this.running) return;
    if (first) {
      this.cache.fill(items);
    } else {
      const fresh = new Set(items.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`));
      for (const old of this.cache.all()) {
        if (!fresh.has(`${old.metadata.namespace ?? ''}/${old.metadata.name ?? ''}`)) this.cache.apply('DELETED', old);
      }
      for (const obj of items) {
        const known = this.cache.peek(obj);
        if (!known) this.cache.apply('ADDED', obj);
        else if (known.metadata.resourceVersion !== obj.metadata.resourceVersion) this.cache.apply('MODIFIED', obj);
      }
    }
    this.resourceVersion = resourceVersion;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      this.wake = done;
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
    });
  }
}
