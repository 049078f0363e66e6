import type { ObjectReference } from '../api/index.js';
import type { KubeObject, ObjectRef } from '../kube/types.js';
import { SCALE_TO_ZERO_KEY } from '../workloads/daemonset-nodes.js';
import type { Manifest } from './manifests.js';
import { isFoundation, objectKey, refKey, refOfObject } from './scope.js';
import { isMap } from './yaml-values.js';

export interface ApplyPlan {
  /** In apply order: Namespaces and CRDs first, then the rest in the order Git lists them. */
  objects: KubeObject[];
  /** Fields left out because Pennant owns them, as `namespace/name spec.field`. */
  ownedFieldsDropped: string[];
}

/** What a Canary names: its target Deployment (or DaemonSet) and its apex Service. */
export interface CanaryNames {
  target?: string;
  daemonSet?: string;
  service: string;
}

/** What the cluster says about Canaries and the objects they manage, for the owned-fields rule. */
export interface ClusterFacts {
  canaries(namespace: string): CanaryNames[];
  exists(kind: 'Deployment' | 'Service', namespace: string, name: string): boolean;
}

/**
 * Once a Canary manages an object, some of its fields are Pennant's and a sync must not undo them:
 * the target's `spec.replicas` (scaled to zero after each rollout, up for the next analysis) and
 * `spec.paused` (held while users are served by the canary), and the apex Service's `spec.selector`
 * and `spec.ports` (pointed at the primary, or the canary during a switch). Applying Git's values
 * again would send traffic to a target scaled to zero, or scale a rolled-back canary back up.
 * When the object is first created, Git's values are applied: they size the primary.
 */
const OWNED_FIELDS: Record<'Deployment' | 'Service', readonly string[]> = {
  Deployment: ['replicas', 'paused'],
  Service: ['selector', 'ports'],
};

/**
 * A DaemonSet target is scaled by Pennant's `flagger.app/scale-to-zero` nodeSelector, never by Git:
 * a manifest that carries it (copied from the live object, say) would scale the target to zero or
 * keep it there. Dropped whether or not the DaemonSet exists, since Pennant scales it at initialisation.
 */
const DAEMONSET_OWNED_PATH = ['template', 'spec', 'nodeSelector', SCALE_TO_ZERO_KEY] as const;

/** Orders the objects and leaves out the fields Pennant owns (a Canary in the cluster or in this commit). */
export function planApply(manifests: readonly Manifest[], cluster: ClusterFacts): ApplyPlan {
  const managed = managedNames(manifests, cluster);
  const ownedFieldsDropped: string[] = [];
  const objects = manifests.map(({ object }) => {
    const kind = managedKind(object);
    const ns = object.metadata.namespace ?? '';
    const name = object.metadata.name ?? '';
    if (isDaemonSet(object) && managedDaemonSet(manifests, cluster, ns, name)) {
      const spec = withoutPath(object.spec, DAEMONSET_OWNED_PATH);
      if (spec === undefined) return object;
      ownedFieldsDropped.push(`${ns}/${name} spec.${DAEMONSET_OWNED_PATH.slice(0, -1).join('.')}["${SCALE_TO_ZERO_KEY}"]`);
      return { ...object, spec };
    }
    if (!kind || !managed(kind, ns, name) || !cluster.exists(kind, ns, name) || !isMap(object.spec)) return object;
    const spec = { ...object.spec };
    for (const field of OWNED_FIELDS[kind]) {
      if (!(field in spec)) continue;
      delete spec[field];
      ownedFieldsDropped.push(`${ns}/${name} spec.${field}`);
    }
    return { ...object, spec };
  });
  const first = objects.filter((o) => isFoundation(o.kind));
  const rest = objects.filter((o) => !isFoundation(o.kind));
  return { objects: [...first, ...rest], ownedFieldsDropped };
}

const isDaemonSet = (object: KubeObject): boolean => object.kind === 'DaemonSet' && object.apiVersion.startsWith('apps/');

function managedDaemonSet(manifests: readonly Manifest[], cluster: ClusterFacts, ns: string, name: string): boolean {
  const inCommit = manifests.filter((m) => (m.object.metadata.namespace ?? '') === ns).map((m) => canaryNamesOf(m.object));
  return [...inCommit, ...cluster.canaries(ns)].some((c) => c?.daemonSet === name);
}

/** A copy of `value` without the entry at `path`, or undefined when there is none. */
function withoutPath(value: unknown, path: readonly string[]): Record<string, unknown> | undefined {
  const [head, ...rest] = path;
  if (head === undefined || !isMap(value) || !(head in value)) return undefined;
  if (rest.length === 0) {
    const { [head]: _dropped, ...kept } = value;
    return kept;
  }
  const inner = withoutPath(value[head], rest);
  return inner === undefined ? undefined : { ...value, [head]: inner };
}

function managedKind(object: KubeObject): 'Deployment' | 'Service' | undefined {
  if (object.kind === 'Deployment' && object.apiVersion.startsWith('apps/')) return 'Deployment';
  if (object.kind === 'Service' && object.apiVersion === 'v1') return 'Service';
  return undefined;
}

function managedNames(manifests: readonly Manifest[], cluster: ClusterFacts): (kind: 'Deployment' | 'Service', ns: string, name: string) => boolean {
  const inCommit = new Map<string, CanaryNames[]>();
  for (const m of manifests) {
    const names = canaryNamesOf(m.object);
    const ns = m.object.metadata.namespace ?? '';
    if (names) inCommit.set(ns, [...(inCommit.get(ns) ?? []), names]);
  }
  return (kind, ns, name) => [...(inCommit.get(ns) ?? []), ...cluster.canaries(ns)]
    .some((c) => (kind === 'Deployment' ? c.target === name : c.service === name));
}

/** The target (by kind: Pennant scales each its own way) and apex Service a Canary object names. */
export function canaryNamesOf(object: KubeObject): CanaryNames | undefined {
  if (object.kind !== 'Canary' || !isMap(object.spec)) return undefined;
  const { targetRef, service } = object.spec;
  if (!isMap(targetRef) || typeof targetRef.name !== 'string') return undefined;
  const serviceName = isMap(service) && typeof service.name === 'string' ? service.name : targetRef.name;
  return {
    ...(targetRef.kind === 'Deployment' ? { target: targetRef.name } : {}),
    ...(targetRef.kind === 'DaemonSet' ? { daemonSet: targetRef.name } : {}),
    service: serviceName,
  };
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
