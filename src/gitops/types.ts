import type { InformerHandler, KubeClient, KubeObject, ResourceType } from '../kube/types.js';

export const GIT_SOURCE: ResourceType = { apiVersion: 'pennant.dev/v1beta1', kind: 'GitSource' };
export const CANARY: ResourceType = { apiVersion: 'pennant.dev/v1beta1', kind: 'Canary' };
export const DEPLOYMENT: ResourceType = { apiVersion: 'apps/v1', kind: 'Deployment' };
export const SECRET: ResourceType = { apiVersion: 'v1', kind: 'Secret' };
export const CONFIGMAP: ResourceType = { apiVersion: 'v1', kind: 'ConfigMap' };
export const SERVICE: ResourceType = { apiVersion: 'v1', kind: 'Service' };

/** Informer caches (the controller's ClusterCache fits): reads never reach the API server. */
export interface SharedCache {
  watch(types: ResourceType[]): Promise<void>;
  get(type: ResourceType, namespace: string, name: string): KubeObject | undefined;
  list(type: ResourceType, namespace?: string): KubeObject[];
  onChange(type: ResourceType, handler: InformerHandler): () => void;
  /** The whole object when the cache keeps only metadata of its kind (Secrets); else as get(). */
  content?(type: ResourceType, namespace: string, name: string): Promise<KubeObject | undefined>;
}

/** A keyed work queue: one key is never processed twice at once (the controller's WorkQueue fits). */
export interface KeyQueue {
  add(key: string): void;
  get(): Promise<string | undefined>;
  done(key: string): void;
  shutdown(): void;
}

/** Wakes keys later on one timer heap (the controller's Scheduler fits). */
export interface KeyScheduler {
  schedule(key: string, delayMs: number): void;
  cancel(key: string): void;
  stop(): void;
}

/** Whom a GitSource applies as: its ServiceAccount, or (only when allowed by a flag) the controller. */
export type Identity = { kind: 'serviceAccount'; namespace: string; name: string } | { kind: 'controller' };

/** Builds (and may cache) a client acting as `identity`: impersonation for a ServiceAccount. */
export type ClientFor = (identity: Identity) => KubeClient;

export const serviceAccountUser = (namespace: string, name: string): string => `system:serviceaccount:${namespace}:${name}`;

/** Decoded data of a Secret from the cache; values are credentials and never leave this process otherwise. */
export async function secretData(cache: Pick<SharedCache, 'get' | 'content'>, namespace: string, name: string): Promise<Record<string, string> | undefined> {
  const raw = (cache.content ? await cache.content(SECRET, namespace, name) : cache.get(SECRET, namespace, name)) as { data?: Record<string, string>; stringData?: Record<string, string> } | undefined;
  if (!raw) return undefined;
  const decoded: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw.data ?? {})) decoded[key] = Buffer.from(value, 'base64').toString('utf8');
  return { ...decoded, ...(raw.stringData ?? {}) };
}
