import { changedPaths, isWithin, leafPaths, pathKey, type FieldPath } from './field-paths.js';
import { fieldSchema } from './field-schema.js';
import type { KindPolicy } from './memory-rules.js';
import type { KubeObject } from './types.js';

/**
 * Field ownership as the API server keeps it in `metadata.managedFields`: one entry per field
 * manager and operation. An apply makes its manager's Apply entry exactly the fields it applied;
 * a create, update or patch gives the fields it changed to its manager's Update entry and takes
 * them from every other entry (so a later apply that omits them leaves them alone, and one that
 * sets them to something else conflicts). Entries are not written into the objects.
 */
export type Operation = 'Apply' | 'Update';

export interface FieldManager {
  name: string;
  operation: Operation;
  paths: Map<string, FieldPath>;
}

export type Managers = Map<string, FieldManager>;

export const managerKey = (name: string, operation: Operation): string => `${operation}/${name}`;

/** Who writes: the field manager and whether it applies or updates. */
export interface Writer {
  manager: string;
  operation: Operation;
}

/** Fields that identify the object or belong to the server: nobody "owns" them. */
const UNOWNED = new Set(['apiVersion', 'kind', 'metadata.name', 'metadata.namespace', 'metadata.resourceVersion', 'metadata.uid', 'metadata.generation', 'metadata.creationTimestamp', 'metadata.managedFields', 'metadata.deletionTimestamp', 'metadata.deletionGracePeriodSeconds']);

/** The paths of `obj` a manager owns by writing it (`.status` of kinds with a status subresource excluded). */
export function ownedPaths(obj: KubeObject, policy: KindPolicy): FieldPath[] {
  return leafPaths(obj, fieldSchema(obj.kind)).filter((path) => {
    if (path[0] === 'status' && policy.hasStatusSubresource(obj.kind)) return false;
    return !UNOWNED.has(path.slice(0, 2).join('.')) && !UNOWNED.has(path[0] ?? '');
  });
}

/** A copy of `managers` after `name` created, updated or patched the object from `before` to `after`. */
export function afterUpdate(managers: Managers, before: KubeObject | undefined, after: KubeObject, name: string, policy: KindPolicy): Managers {
  const owned = new Set(ownedPaths(after, policy).map(pathKey));
  const changed = before ? changedPaths(before, after, fieldSchema(after.kind)) : ownedPaths(after, policy);
  const next = copyManagers(managers);
  for (const manager of next.values()) {
    for (const [key, path] of manager.paths) {
      if (changed.some((c) => isWithin(path, c) || isWithin(c, path))) manager.paths.delete(key);
    }
  }
  const key = managerKey(name, 'Update');
  const mine = next.get(key) ?? { name, operation: 'Update' as const, paths: new Map<string, FieldPath>() };
  for (const path of changed) if (owned.has(pathKey(path))) mine.paths.set(pathKey(path), path);
  next.set(key, mine);
  return dropEmpty(next);
}

export function copyManagers(managers: Managers): Managers {
  return new Map([...managers].map(([key, m]) => [key, { ...m, paths: new Map(m.paths) }]));
}

export function dropEmpty(managers: Managers): Managers {
  for (const [key, manager] of managers) if (manager.paths.size === 0) managers.delete(key);
  return managers;
}
