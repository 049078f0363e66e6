import type { ObjectMeta } from '../api/common.js';

/** Any Kubernetes object as it crosses the kube boundary; callers parse what they need with zod. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export interface ResourceType {
  apiVersion: string; // "apps/v1", "v1", "pennant.dev/v1beta1"
  kind: string; // "Deployment"
}

export interface ObjectRef extends ResourceType {
  namespace?: string;
  name: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  /** Equality field selector ("involvedObject.kind=Canary"), for kinds whose fields the API server indexes (Events). */
  fieldSelector?: string;
}

/** What an informer keeps of each object: memory grows with the cluster, so only what is read. */
export interface InformerOptions extends ListOptions {
  /** Only metadata is listed and watched (PartialObjectMetadata): for kinds whose content is fetched when needed. */
  metadataOnly?: boolean;
  /** metadata.managedFields is not kept (nothing reads who owns which field of these objects). */
  dropManagedFields?: boolean;
}

export interface ApplyOptions {
  /** Field manager; defaults to FIELD_MANAGER. */
  fieldManager?: string;
  /** Take ownership of fields another manager set (SSA `force`). */
  force?: boolean;
}

export const FIELD_MANAGER = 'pennant';

export type PatchType = 'merge' | 'json';

export interface EventInput {
  regarding: ObjectRef & { uid?: string };
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export type InformerHandler = (type: WatchEventType, obj: KubeObject, old?: KubeObject) => void;

/** A list+watch cache of one resource type. */
export interface Informer {
  /** Resolves once the initial list is in the cache. */
  start(): Promise<void>;
  stop(): void;
  list(namespace?: string): KubeObject[];
  get(namespace: string | undefined, name: string): KubeObject | undefined;
  /** Called for every change after start; returns an unsubscribe function. */
  onChange(handler: InformerHandler): () => void;
}

/**
 * The one narrow interface Pennant uses to talk to Kubernetes. Two implementations: the real one over
 * @kubernetes/client-node and an in-memory one that behaves like the API server.
 * Errors are KubeError with a closed code.
 */
export interface KubeClient {
  get(ref: ObjectRef): Promise<KubeObject | null>;
  list(type: ResourceType, options?: ListOptions): Promise<KubeObject[]>;
  /** Server-side apply. */
  apply(obj: KubeObject, options?: ApplyOptions): Promise<KubeObject>;
  create(obj: KubeObject): Promise<KubeObject>;
  /** Replace; obj.metadata.resourceVersion is the precondition (409 Conflict when stale). */
  update(obj: KubeObject): Promise<KubeObject>;
  patch(ref: ObjectRef, patch: unknown, type?: PatchType): Promise<KubeObject>;
  /** Patch the status subresource; resourceVersion is the precondition (409 Conflict when stale). */
  patchStatus(ref: ObjectRef, status: unknown, resourceVersion: string): Promise<KubeObject>;
  delete(ref: ObjectRef): Promise<void>;
  recordEvent(event: EventInput): Promise<void>;
  informer(type: ResourceType, options?: InformerOptions): Informer;
}
