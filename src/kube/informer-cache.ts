import { deepCopy } from './json.js';
import type { InformerHandler, InformerOptions, KubeObject, WatchEventType } from './types.js';

const cacheKey = (namespace: string | undefined, name: string | undefined): string => `${namespace ?? ''}/${name ?? ''}`;

/**
 * The cache and handler list both informers share: applies one watch event at a time, hands
 * every handler its own deep copies, and reports a handler's exception without losing the
 * events queued after it.
 */
export class InformerCache {
  private readonly objects = new Map<string, KubeObject>();
  private readonly handlers = new Set<InformerHandler>();

  constructor(private readonly keep: (obj: KubeObject) => KubeObject = (obj) => obj) {}

  onChange(handler: InformerHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  list(namespace?: string): KubeObject[] {
    const all = [...this.objects.values()];
    return (namespace ? all.filter((o) => o.metadata.namespace === namespace) : all).map(deepCopy);
  }

  get(namespace: string | undefined, name: string): KubeObject | undefined {
    const obj = this.objects.get(cacheKey(namespace, name));
    return obj && deepCopy(obj);
  }

  peek(obj: KubeObject): KubeObject | undefined {
    return this.objects.get(cacheKey(obj.metadata.namespace, obj.metadata.name));
  }

  all(): KubeObject[] {
    return [...this.objects.values()];
  }

  /** Fills the cache silently (the initial list: handlers only hear about later changes). */
  fill(objects: KubeObject[]): void {
    this.objects.clear();
    for (const obj of objects) this.objects.set(cacheKey(obj.metadata.namespace, obj.metadata.name), this.keep(deepCopy(obj)));
  }

  apply(type: WatchEventType, obj: KubeObject): void {
    const key = cacheKey(obj.metadata.namespace, obj.metadata.name);
    const old = this.objects.get(key);
    if (type === 'DELETED') this.objects.delete(key);
    else this.objects.set(key, this.keep(deepCopy(obj)));
    for (const handler of [...this.handlers]) {
      try {
        handler(type, deepCopy(obj), old && deepCopy(old));
      } catch (err) {
        // A handler's bug must not stop the informer: surface it as an uncaught error instead.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}

/** The part of each object an informer with these options keeps (applied to its own copy). */
export function keeperFor(options: InformerOptions): (obj: KubeObject) => KubeObject {
  if (!options.metadataOnly && !options.dropManagedFields) return (obj) => obj;
  return (obj) => {
    const { managedFields: _owners, ...metadata } = obj.metadata as KubeObject['metadata'] & { managedFields?: unknown };
    const kept = options.dropManagedFields ? metadata : obj.metadata;
    return options.metadataOnly ? { apiVersion: obj.apiVersion, kind: obj.kind, metadata: kept } : { ...obj, metadata: kept };
  };
}
