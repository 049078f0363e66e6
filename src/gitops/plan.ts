import type { ObjectReference } from '../api/index.js';
import type { KubeObject, ObjectRef } from '../kube/types.js';
import type { Manifest } from './manifests.js';
import { isFoundation, objectKey, refKey, refOfObject } from './scope.js';
import { isMap } from './yaml-values.js';

export interface ApplyPlan {
  /** In apply order: Namespaces and CRDs first, then the rest in the order Git lists them. */
  objects: KubeObject[];
  /** Deployments whose `spec.replicas` was left out, as `namespace/name`. */
  replicasDropped: string[];
}

/** What the cluster says about Canaries and Deployments, for the replicas rule. */
export interface ClusterFacts {
  /** Names of the Deployments Canaries target, per namespace (from the cluster). */
  canaryTargets(namespace: string): string[];
  deploymentExists(namespace: string, name: string): boolean;
}

/**
 * Orders the objects and drops `spec.replicas` from every Deployment that a Canary targets (a
 * Canary in the cluster or in this commit) once the Deployment exists. Pennant owns a target's
 * replicas: it scales the target to zero after each rollout and up for the next analysis. Applying
 * Git's replicas again would scale a rolled-back canary back up and give it traffic-free pods (or,
 * during an analysis, fight the analysis). On creation Git's replicas stay: they size the primary.
 */
export function planApply(manifests: readonly Manifest[], cluster: ClusterFacts): ApplyPlan {
  const targets = new Set<string>();
  for (const m of manifests) {
    const target = canaryTargetOf(m.object);
    if (target) targets.add(`${m.object.metadata.namespace ?? ''}/${target}`);
  }
  const isTarget = (ns: string, name: string): boolean => targets.has(`${ns}/${name}`) || cluster.canaryTargets(ns).includes(name);
  const replicasDropped: string[] = [];
  const objects = manifests.map(({ object }) => {
    const ns = object.metadata.namespace ?? '';
    const name = object.metadata.name ?? '';
    if (object.kind !== 'Deployment' || !object.apiVersion.startsWith('apps/') || !isTarget(ns, name)) return object;
    if (!cluster.deploymentExists(ns, name) || !isMap(object.spec) || !('replicas' in object.spec)) return object;
    const { replicas: _owned, ...spec } = object.spec;
    replicasDropped.push(`${ns}/${name}`);
    return { ...object, spec };
  });
  const first = objects.filter((o) => isFoundation(o.kind));
  const rest = objects.filter((o) => !isFoundation(o.kind));
  return { objects: [...first, ...rest], replicasDropped };
}

function canaryTargetOf(object: KubeObject): string | undefined {
  if (object.kind !== 'Canary') return undefined;
  const targetRef = isMap(object.spec) ? object.spec.targetRef : undefined;
  return isMap(targetRef) && targetRef.kind === 'Deployment' && typeof targetRef.name === 'string' ? targetRef.name : undefined;
}

/** The inventory entry of an applied object. */
export const inventoryEntry = (object: KubeObject): ObjectReference => refOfObject(object);

/**
 * What pruning deletes: objects of the previous inventory that are no longer declared, never
 * anything outside it. Deleted in reverse apply order (the rest before Namespaces and CRDs).
 */
export function pruneSet(previous: readonly ObjectReference[], current: readonly ObjectRef[]): ObjectReference[] {
  const keep = new Set(current.map((ref) => sameObject(ref)));
  const gone = previous.filter((ref) => !keep.has(sameObject(ref)));
  return [...gone.filter((r) => !isFoundation(r.kind)), ...gone.filter((r) => isFoundation(r.kind))];
}

/**
 * The inventory after an apply: everything applied, plus (when the apply stopped half-way) what
 * the previous inventory still holds, so a later prune can still find it.
 */
export function nextInventory(previous: readonly ObjectReference[], applied: readonly ObjectRef[], complete: boolean): ObjectReference[] {
  const entries = applied.map((ref) => ({ ...ref }) as ObjectReference);
  if (complete) return sortInventory(entries);
  const have = new Set(entries.map(sameObject));
  return sortInventory([...entries, ...previous.filter((ref) => !have.has(sameObject(ref)))]);
}

/** A new apiVersion of the same kind and name is the same object: moving versions must not prune it. */
const sameObject = objectKey;

const sortInventory = (refs: ObjectReference[]): ObjectReference[] => [...refs].sort((a, b) => refKey(a).localeCompare(refKey(b)));
