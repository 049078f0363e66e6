import { KubeError } from './errors.js';
import { deepEqual, type JsonObject } from './json.js';
import type { KubeObject } from './types.js';

/** Kinds whose `.status` is a subresource: only patchStatus changes it (update/apply/patch keep it). */
export const DEFAULT_STATUS_SUBRESOURCE_KINDS: readonly string[] = [
  'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'HorizontalPodAutoscaler', 'Pod', 'Service',
  'Ingress', 'Job', 'Canary', 'MetricTemplate', 'AlertProvider',
];

/** Kinds the API server never gives a metadata.generation (they have no spec to observe). */
export const KINDS_WITHOUT_GENERATION: readonly string[] = ['ConfigMap', 'Secret', 'Event', 'ServiceAccount', 'Endpoints'];

/** Metadata only the server writes; a client's copy of these fields is ignored on every write. */
const SERVER_METADATA = ['uid', 'creationTimestamp', 'generation', 'resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'name', 'namespace'] as const;

export interface KindPolicy {
  hasStatusSubresource(kind: string): boolean;
  tracksGeneration(kind: string): boolean;
}

export function kindPolicy(statusSubresourceKinds: readonly string[]): KindPolicy {
  const withStatus = new Set(statusSubresourceKinds);
  const withoutGeneration = new Set(KINDS_WITHOUT_GENERATION);
  return {
    hasStatusSubresource: (kind) => withStatus.has(kind),
    tracksGeneration: (kind) => !withoutGeneration.has(kind),
  };
}

/** A 409 like the API server's, for a write whose resourceVersion precondition is stale. */
export function checkPrecondition(current: KubeObject, resourceVersion: string | undefined): void {
  // An empty resourceVersion means "unconditional", as on a real server.
  if (resourceVersion && resourceVersion !== current.metadata.resourceVersion) {
    throw new KubeError(
      'Conflict',
      'the object has been modified; please apply your changes to the latest version and try again',
      409,
    );
  }
}

/**
 * What a write of `candidate` over `current` stores, before resourceVersion and generation:
 * server-owned metadata comes from `current`; `.status` comes from `current` for a main-resource
 * write of a kind with a status subresource, and is all a status write may change.
 */
export function mergeWrite(current: KubeObject, candidate: KubeObject, mode: 'main' | 'status', policy: KindPolicy): KubeObject {
  if (mode === 'status') {
    const next: KubeObject = { ...current, metadata: { ...current.metadata } };
    if (candidate.status === undefined) delete next.status;
    else next.status = candidate.status;
    return next;
  }
  const metadata: JsonObject = { ...candidate.metadata };
  for (const field of SERVER_METADATA) {
    if (current.metadata[field] === undefined) delete metadata[field];
    else metadata[field] = current.metadata[field];
  }
  const next: KubeObject = { ...candidate, apiVersion: current.apiVersion, kind: current.kind, metadata };
  if (policy.hasStatusSubresource(current.kind)) {
    if (current.status === undefined) delete next.status;
    else next.status = current.status;
  }
  checkFinalizers(current, next);
  return next;
}

/**
 * Generation counts changes of the desired state: anything but metadata and status. Deployments
 * also count annotation changes (the API server does so because their annotations are copied
 * to the ReplicaSets).
 */
export function bumpsGeneration(before: KubeObject, after: KubeObject): boolean {
  const strip = ({ metadata: _m, status: _s, ...rest }: KubeObject): JsonObject => rest;
  if (!deepEqual(strip(before), strip(after))) return true;
  return after.kind === 'Deployment' && !deepEqual(before.metadata.annotations ?? {}, after.metadata.annotations ?? {});
}

function checkFinalizers(current: KubeObject, next: KubeObject): void {
  if (!current.metadata.deletionTimestamp) return;
  const had = new Set(current.metadata.finalizers ?? []);
  const added = (next.metadata.finalizers ?? []).filter((f) => !had.has(f));
  if (added.length > 0) {
    throw new KubeError('Invalid', `no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`, 422);
  }
}
