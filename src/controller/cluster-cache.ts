import type { Informer, InformerHandler, KubeClient, KubeObject, ResourceType } from '../kube/types.js';
import type { ObjectReader } from '../workloads/types.js';

export const typeKey = (type: ResourceType): string => `${type.apiVersion}/${type.kind}`;

/** The informers Pennant reads through: one per resource type, shared by every reconcile. */
export class ClusterCache implements ObjectReader {
  private readonly informers = new Map<string, Informer>();

  constructor(private readonly kube: KubeClient, private readonly namespace?: string) {}

  /** Starts informers for these types (once each) and resolves when all have listed. */
  async watch(types: ResourceType[]): Promise<void> {
    const started: Promise<void>[] = [];
    for (const type of types) {
      const key = typeKey(type);
      if (this.informers.has(key)) continue;
      const informer = this.kube.informer(type, this.namespace ? { namespace: this.namespace } : {});
      this.informers.set(key, informer);
      started.push(informer.start());
    }
    await Promise.all(started);
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
