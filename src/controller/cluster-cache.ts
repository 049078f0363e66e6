import { explainKubeFailure } from '../kube/failure-hint.js';
import type { Informer, InformerHandler, KubeClient, KubeObject, ResourceType } from '../kube/types.js';
import type { ObjectReader } from '../workloads/types.js';

export const typeKey = (type: ResourceType): string => `${type.apiVersion}/${type.kind}`;
const contentKey = (type: ResourceType, namespace: string | undefined, name: string | undefined): string => `${typeKey(type)}/${namespace ?? ''}/${name ?? ''}`;

export type TypedHandler = (type: ResourceType, ...event: Parameters<InformerHandler>) => void;

/**
 * The informers Pennant reads through: one per resource type, shared by every reconcile. Types are
 * watched on demand (a router's objects when a Canary first uses that router), so an API installed
 * after Pennant started is picked up, and a missing one is an error the Canary's condition shows.
 */
/**
 * What the cache keeps, so its memory follows the Canaries rather than the cluster: kinds read only
 * for a few named objects (ConfigMaps, Secrets) are watched by metadata alone and their content is
 * fetched when a reconcile needs it, and kept while unchanged; managedFields are kept only for kinds
 * whose writers are named (the router's objects, for RoutingDrift Events).
 */
export interface CachePolicy {
  onDemand: readonly ResourceType[];
  withoutOwnership: readonly ResourceType[];
  /** Label selectors per kind (typeKey → selector): a shard watches only its own Canaries. */
  selectors?: Readonly<Record<string, string>>;
}

export const NO_POLICY: CachePolicy = { onDemand: [], withoutOwnership: [] };

export class ClusterCache implements ObjectReader {
  private readonly informers = new Map<string, Informer>();
  private readonly starting = new Map<string, Promise<void>>();
  /** Full objects of on-demand kinds, by type/namespace/name, valid while the informer shows `version`. */
  private readonly contents = new Map<string, { object: KubeObject; version: string | undefined }>();
  private readonly onDemand: Set<string>;
  private readonly withoutOwnership: Set<string>;

  constructor(
    private readonly kube: KubeClient,
    private readonly namespace?: string,
    /** Hears every change of every watched type, including types watched later. */
    private readonly onAnyChange?: TypedHandler,
    policy: CachePolicy = NO_POLICY,
  ) {
    this.onDemand = new Set(policy.onDemand.map(typeKey));
    this.withoutOwnership = new Set(policy.withoutOwnership.map(typeKey));
    this.selectors = policy.selectors ?? {};
  }

  private readonly selectors: Readonly<Record<string, string>>;

  /** Starts informers for these types (once each) and resolves when all have listed. */
  async watch(types: ResourceType[]): Promise<void> {
    await Promise.all(types.map((type) => this.watchOne(type)));
  }

  private watchOne(type: ResourceType): Promise<void> {
    const key = typeKey(type);
    const pending = this.starting.get(key);
    if (pending) return pending;
    if (this.informers.has(key)) return Promise.resolve();
    const informer = this.kube.informer(type, {
      ...(this.namespace ? { namespace: this.namespace } : {}),
      ...(this.onDemand.has(key) ? { metadataOnly: true } : {}),
      ...(this.withoutOwnership.has(key) ? { dropManagedFields: true } : {}),
      ...(this.selectors[key] ? { labelSelector: this.selectors[key] } : {}),
    });
    const start = informer.start().then(
      () => {
        this.informers.set(key, informer);
        if (this.onDemand.has(key)) informer.onChange((event, obj) => event === 'DELETED' && this.contents.delete(contentKey(type, obj.metadata.namespace, obj.metadata.name)));
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

  /**
   * From the informers; for an on-demand kind, the content a reconcile fetched (ensureContent) —
   * reading one that was not fetched is a bug, and says so rather than passing metadata for content.
   */
  get(type: ResourceType, namespace: string, name: string): KubeObject | undefined {
    const found = this.informer(type)?.get(namespace, name);
    if (!found || !this.onDemand.has(typeKey(type))) return found;
    const held = this.contents.get(contentKey(type, namespace, name));
    if (held && held.version === found.metadata.resourceVersion) return structuredClone(held.object);
    throw new Error(`${type.kind} ${namespace}/${name}: its content was not fetched before it was read (call ensureContent first)`);
  }

  /** The whole object, fetched (one GET) if the cache holds only its metadata or an older content. */
  async content(type: ResourceType, namespace: string, name: string): Promise<KubeObject | undefined> {
    const key = typeKey(type);
    if (!this.onDemand.has(key)) return this.get(type, namespace, name);
    const meta = this.informer(type)?.get(namespace, name);
    const at = contentKey(type, namespace, name);
    if (!meta) {
      this.contents.delete(at);
      return undefined;
    }
    const version = meta.metadata.resourceVersion;
    let held = this.contents.get(at);
    if (!held || held.version !== version) {
      const full = await this.kube.get({ ...type, namespace, name });
      if (!full) return undefined;
      const { managedFields: _owners, ...metadata } = full.metadata as KubeObject['metadata'] & { managedFields?: unknown };
      // Valid for the version the informer showed: when it shows a newer one, that is fetched again.
      held = { object: { ...full, metadata }, version };
      this.contents.set(at, held);
    }
    return structuredClone(held.object);
  }

  /** Fetches what a decision will read of on-demand kinds, so that get() can serve it. */
  async ensureContent(refs: readonly { apiVersion: string; kind: string; namespace?: string; name: string }[]): Promise<void> {
    await Promise.all(refs.map((ref) => this.content(ref, ref.namespace ?? 'default', ref.name)));
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

  /** Watch restarts after errors, or relists after 410 Gone, per kind, from informers that count them. */
  informerCounts(of: 'restarts' | 'relists'): Map<string, number> {
    const counts = new Map<string, number>();
    for (const [key, informer] of this.informers) {
      const count = (informer as Partial<Record<typeof of, unknown>>)[of];
      if (typeof count === 'number') counts.set(key.split('/').pop() ?? key, count);
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
