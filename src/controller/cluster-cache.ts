import { explainKubeFailure } from '../kube/failure-hint.js';
import type { Informer, InformerHandler, KubeClient, KubeObject, ResourceType } from '../kube/types.js';
import type { ObjectReader } from '../workloads/types.js';

export const typeKey = (type: ResourceType): string => `${type.apiVersion}/${type.kind}`;

export type TypedHandler = (type: ResourceType, ...event: Parameters<InformerHandler>) => void;

/**
 * The informers Pennant reads through: one per resource type, shared by every reconcile. Types are
 * watched on demand (a router's objects when a Canary first uses that router), so an API installed
 * after Pennant started is picked up, and a missing one is an error the Canary's condition shows.
 */
export class ClusterCache implements ObjectReader {
  private readonly informers = new Map<string, Informer>();
  private readonly starting = new Map<string, Promise<void>>();

  constructor(
    private readonly kube: KubeClient,
    private readonly namespace?: string,
    /** Hears every change of every watched type, including types watched later. */
    private readonly onAnyChange?: TypedHandler,
  ) {}

  /** Starts informers for these types (once each) and resolves when all have listed. */
  async watch(types: ResourceType[]): Promise<void> {
    await Promise.all(types.map((type) => this.watchOne(type)));
  }

  private watchOne(type: ResourceType): Promise<void> {
    const key = typeKey(type);
    const pending = this.starting.get(key);
    if (pending) return pending;
    if (this.informers.has(key)) return Promise.resolve();
    const informer = this.kube.informer(type, this.namespace ? { namespace: this.namespace } : {});
    const start = informer.start().then(
      () => {
        this.informers.set(key, informer);
        if (this.onAnyChange) informer.onChange((...event) => this.onAnyChange?.(type, ...event));
      },
      (err: unknown) => {
        informer.stop();
        throw new Error(`cannot watch ${type.kind} (${type.apiVersion}): ${explainKubeFailure(err)}`, { cause: err });
      },
    ).finally(() => this.starting.delete(key));
    this.starting.set(key, start);
    return start;
  }

  get(type: ResourceType, namespace: string, name: string): KubeObject | undefined {
    return this.informer(type)?.get(namespace, name);
  }

  list(type: ResourceType, namespace?: string): KubeObject[] {
    return this.informer(type)?.list(namespace) ?? [];
  }

  onChange(type: ResourceType, handler: InformerHandler): () => void {
    const informer = this.informer(type);
    if (!informer) throw new Error(`no informer for ${typeKey(type)}: call watch() first`);
    return informer.onChange(handler);
  }

  has(type: ResourceType): boolean {
    return this.informers.has(typeKey(type));
  }

  /** Watch restarts per kind, from informers that count them. */
  restarts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const [key, informer] of this.informers) {
      const restarts = (informer as { restarts?: unknown }).restarts;
      if (typeof restarts === 'number') counts.set(key.split('/').pop() ?? key, restarts);
    }
    return counts;
  }

  stop(): void {
    for (const informer of this.informers.values()) informer.stop();
    this.informers.clear();
  }

  private informer(type: ResourceType): Informer | undefined {
    return this.informers.get(typeKey(type));
  }
}
