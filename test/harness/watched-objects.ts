import type { Informer, KubeObject } from '../../src/kube/types.js';

/**
 * What an informer holds, digested once per watch event instead of once per tick: the informer's
 * list() deep-copies every object, which at 5 ticks a second is most of the simulator's CPU.
 */
export class WatchedObjects<T> {
  private readonly byNamespace = new Map<string, Map<string, T>>();
  private readonly deleted = new Set<(namespace: string, name: string) => void>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly informer: Informer,
    private readonly digest: (obj: KubeObject) => T | undefined,
  ) {}

  async start(): Promise<void> {
    // Subscribe first: changes during the initial list are then applied on top of it, not lost.
    this.unsubscribe = this.informer.onChange((type, obj) => this.apply(type === 'DELETED', obj));
    await this.informer.start();
    for (const obj of this.informer.list()) this.apply(false, obj);
  }

  stop(): void {
    this.unsubscribe?.();
    this.informer.stop();
  }

  get(namespace: string, name: string): T | undefined {
    return this.byNamespace.get(namespace)?.get(name);
  }

  inNamespace(namespace: string): Iterable<T> {
    return this.byNamespace.get(namespace)?.values() ?? [];
  }

  onDeleted(handler: (namespace: string, name: string) => void): void {
    this.deleted.add(handler);
  }

  private apply(gone: boolean, obj: KubeObject): void {
    const namespace = obj.metadata.namespace ?? '';
    const name = obj.metadata.name ?? '';
    const objects = this.byNamespace.get(namespace) ?? new Map<string, T>();
    this.byNamespace.set(namespace, objects);
    const facts = gone ? undefined : this.digest(obj);
    if (facts !== undefined) {
      objects.set(name, facts);
      return;
    }
    if (objects.delete(name)) for (const handler of this.deleted) handler(namespace, name);
  }
}
