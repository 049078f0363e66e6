import { InformerCache, keeperFor } from './informer-cache.js';
import { deepCopy } from './json.js';
import { parseFieldSelector } from './field-selector.js';
import { parseLabelSelector } from './label-selector.js';
import type { MemoryStore } from './memory-store.js';
import type { Informer, InformerHandler, InformerOptions, KubeObject, ResourceType, WatchEventType } from './types.js';

interface Pending {
  type: WatchEventType;
  obj: KubeObject;
}

/**
 * An informer over MemoryStore that behaves like list+watch: the cache is filled at start, later
 * changes arrive asynchronously (a microtask later, so even fake timers do not hold them up) and
 * in order; an object that stops matching the label selector arrives as DELETED, one that starts
 * matching as ADDED, as a real watch with a selector reports them.
 */
export class MemoryInformer implements Informer {
  private readonly cache: InformerCache;
  private readonly matches: (obj: KubeObject) => boolean;
  private queue: Pending[] = [];
  private unsubscribe: (() => void) | undefined;
  private draining = false;

  constructor(
    private readonly store: MemoryStore,
    private readonly type: ResourceType,
    private readonly options: InformerOptions = {},
  ) {
    this.cache = new InformerCache(keeperFor(options));
    const selector = parseLabelSelector(options.labelSelector);
    const fields = parseFieldSelector(options.fieldSelector);
    this.matches = (obj) =>
      obj.apiVersion === type.apiVersion &&
      obj.kind === type.kind &&
      (!options.namespace || obj.metadata.namespace === options.namespace) &&
      selector(obj.metadata.labels) &&
      fields(obj);
  }

  start(): Promise<void> {
    if (this.unsubscribe) return Promise.resolve();
    this.cache.fill(this.store.list(this.type, this.options.namespace).filter(this.matches));
    this.unsubscribe = this.store.subscribe((type, obj, old) => this.observe(type, obj, old));
    return Promise.resolve();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.queue = [];
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

  private observe(type: WatchEventType, obj: KubeObject, old: KubeObject | undefined): void {
    const was = type === 'ADDED' ? false : this.matches(old ?? obj);
    const is = type !== 'DELETED' && this.matches(obj);
    const seen: WatchEventType | undefined = was && is ? 'MODIFIED' : is ? 'ADDED' : was ? 'DELETED' : undefined;
    if (!seen) return;
    this.queue.push({ type: seen, obj: deepCopy(obj) });
    if (!this.draining) {
      this.draining = true;
      queueMicrotask(() => this.drain());
    }
  }

  private drain(): void {
    this.draining = false;
    const batch = this.queue;
    this.queue = [];
    for (const { type, obj } of batch) {
      if (!this.unsubscribe) return; // stopped by a handler
      this.cache.apply(type, obj);
    }
  }
}
