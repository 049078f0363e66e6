import { leafPaths, pathKey, removePath, type FieldPath } from './field-paths.js';
import type { JsonObject } from './json.js';
import type { KindPolicy } from './memory-rules.js';
import type { MemoryStore } from './memory-store.js';
import { applyMergePatch } from './merge-patch.js';
import { refOf } from './object-ref.js';
import type { KubeObject } from './types.js';

/** Fields that identify the object or belong to the server: nobody "owns" them. */
const UNOWNED = new Set(['apiVersion', 'kind', 'metadata.name', 'metadata.namespace', 'metadata.resourceVersion', 'metadata.uid', 'metadata.generation', 'metadata.creationTimestamp', 'metadata.managedFields']);

/**
 * Server-side apply, approximated:
 * - missing object: created as applied;
 * - existing object: the applied object is merged in (maps merge recursively, lists and scalars
 *   replace — no associative-list merging by key), then every leaf this manager applied last time
 *   and omits now is removed, unless another manager's last apply also set it;
 * - ownership is tracked per leaf path only; there is no conflict detection between managers,
 *   every apply behaves as `force: true` and takes the fields it sets from the others;
 * - an update or patch of a field releases it from every manager, so a later apply that omits
 *   it leaves it alone (as a real server does after an Update takes the field over);
 * - `.status` of kinds with a status subresource is ignored, as the main resource endpoint does;
 * - no `metadata.managedFields` is written.
 */
export function applyObject(store: MemoryStore, policy: KindPolicy, applied: KubeObject, manager: string): KubeObject {
  const ref = refOf(applied);
  const paths = ownedPaths(applied, policy);
  const current = store.get(ref);
  if (!current) {
    const created = store.create(applied);
    store.recordApplied(refOf(created), manager, paths);
    return created;
  }
  const candidate = applyMergePatch(current, applied) as KubeObject;
  // The applied resourceVersion, when set, is a precondition; otherwise the write is unconditional.
  candidate.metadata.resourceVersion = applied.metadata.resourceVersion;
  const keep = new Set(paths.map(pathKey));
  const others = store.pathsOwnedByOthers(ref, manager);
  for (const old of store.appliedPaths(ref, manager)) {
    const key = pathKey(old);
    if (!keep.has(key) && !others.has(key)) removePath(candidate as JsonObject, old);
  }
  const result = store.replace(ref, candidate);
  store.recordApplied(ref, manager, paths);
  return result;
}

function ownedPaths(applied: KubeObject, policy: KindPolicy): FieldPath[] {
  return leafPaths(applied).filter((path) => {
    if (path[0] === 'status' && policy.hasStatusSubresource(applied.kind)) return false;
    return !UNOWNED.has(path.slice(0, 2).join('.')) && !UNOWNED.has(path[0] ?? '');
  });
}
