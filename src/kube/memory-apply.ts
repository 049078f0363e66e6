import { KubeError } from './errors.js';
import { elementSegment, isElementSegment, isWithin, keyedList, pathKey, removePath, valueAt, type FieldPath } from './field-paths.js';
import { fieldSchema, type FieldSchema } from './field-schema.js';
import { deepCopy, deepEqual, isObject, type JsonObject } from './json.js';
import { copyManagers, dropEmpty, type FieldManager, managerKey, type Managers, ownedPaths } from './memory-ownership.js';
import type { KindPolicy } from './memory-rules.js';
import type { MemoryStore } from './memory-store.js';
import { refOf } from './object-ref.js';
import type { KubeObject } from './types.js';

/**
 * Server-side apply as the API server does it, for what Pennant relies on (the kube contract suite
 * checks the same behaviour against a real kube-apiserver):
 * - a missing object is created as applied;
 * - the applied object is merged in: maps key by key, lists merged by key element by element
 *   (field-schema.ts), every other list and atomic map replaced whole;
 * - a field the manager applied last time and omits now is removed, unless another manager owns it;
 * - a field another manager owns (by an apply, or a create/update/patch that set it) with another
 *   value is a 409 Conflict naming the manager and the field, unless `force` takes it from them;
 *   applying the same value shares the field;
 * - `.status` of kinds with a status subresource is ignored, as the main resource endpoint does;
 * - `metadata.managedFields` is not written into the objects.
 */
export function applyObject(store: MemoryStore, policy: KindPolicy, applied: KubeObject, manager: string, force: boolean): KubeObject {
  const ref = refOf(applied);
  const paths = ownedPaths(applied, policy);
  const current = store.get(ref);
  const key = managerKey(manager, 'Apply');
  const own: FieldManager = { name: manager, operation: 'Apply', paths: new Map(paths.map((p) => [pathKey(p), p])) };
  if (!current) {
    const created = store.create(applied, { manager, operation: 'Apply' });
    store.setManagers(refOf(created), new Map([[key, own]]));
    return created;
  }
  const schema = fieldSchema(applied.kind);
  const managers = store.managers(ref);
  const conflicts = conflictsOf(managers, key, paths, applied, current, schema);
  if (conflicts.length && !force) throw conflictError(conflicts);
  const others = withoutPaths(managers, key, conflicts);
  const candidate = mergeApplied(current, applied, schema, []) as KubeObject;
  // The applied resourceVersion, when set, is a precondition; otherwise the write is unconditional.
  candidate.metadata.resourceVersion = applied.metadata.resourceVersion;
  removeReleased(candidate, [...(managers.get(key)?.paths.values() ?? [])], own, others, schema);
  const result = store.replace(ref, candidate, 'main', { manager, operation: 'Apply' });
  store.setManagers(ref, dropEmpty(new Map([...others, [key, own]])));
  return result;
}

interface Conflict { manager: FieldManager; path: FieldPath }

/** Fields this apply sets to a value other than the live one while another manager owns them. */
function conflictsOf(managers: Managers, key: string, paths: FieldPath[], applied: KubeObject, current: KubeObject, schema: FieldSchema): Conflict[] {
  const conflicts: Conflict[] = [];
  for (const path of paths) {
    if (isElementSegment(path[path.length - 1])) continue; // an element's existence is never a conflict
    if (deepEqual(valueAt(applied, path, schema), valueAt(current, path, schema))) continue;
    for (const [other, manager] of managers) {
      if (other !== key && manager.paths.has(pathKey(path))) conflicts.push({ manager, path });
    }
  }
  return conflicts;
}

function withoutPaths(managers: Managers, key: string, taken: Conflict[]): Managers {
  const others = copyManagers(managers);
  others.delete(key);
  for (const { manager, path } of taken) others.get(managerKey(manager.name, manager.operation))?.paths.delete(pathKey(path));
  return others;
}

/** Removes what the manager applied before and omits now, unless another manager owns it (or something in it). */
function removeReleased(candidate: KubeObject, before: FieldPath[], own: FieldManager, others: Managers, schema: FieldSchema): void {
  const othersOwn = [...others.values()].flatMap((m) => [...m.paths.values()]);
  for (const path of before) {
    if (own.paths.has(pathKey(path)) || isKeyField(path, schema)) continue;
    if (othersOwn.some((p) => isWithin(p, path))) continue;
    removePath(candidate as JsonObject, path, schema);
  }
}

/** A key field of a list element goes with the element (its segment), never on its own. */
function isKeyField(path: FieldPath, schema: FieldSchema): boolean {
  if (!isElementSegment(path[path.length - 2])) return false;
  return Object.hasOwn(schema.listKeys(path.slice(0, -2)) ?? {}, path[path.length - 1] ?? '');
}

/** `current` with `applied` merged in (a new value; neither argument is modified). */
function mergeApplied(current: unknown, applied: unknown, schema: FieldSchema, path: FieldPath): unknown {
  // An empty list declares no element of a keyed list: the others' elements stay.
  const keys = keyedList(applied, path, schema) ?? (Array.isArray(applied) && applied.length === 0 ? schema.listKeys(path) : undefined);
  if (keys && Array.isArray(current) && keyedList(current, path, schema)) {
    const merged = deepCopy(current) as unknown[];
    for (const element of applied as unknown[]) {
      const segment = elementSegment(element, keys);
      const index = merged.findIndex((e) => elementSegment(e, keys) === segment);
      if (index < 0) merged.push(deepCopy(element));
      else merged[index] = mergeApplied(merged[index], element, schema, [...path, segment ?? '']);
    }
    return merged;
  }
  if (!isObject(applied) || !isObject(current) || schema.atomic(path)) return deepCopy(applied);
  const merged: JsonObject = deepCopy(current);
  for (const [key, value] of Object.entries(applied)) {
    if (value === null) delete merged[key];
    else merged[key] = mergeApplied(merged[key], value, schema, [...path, key]);
  }
  return merged;
}

function conflictError(conflicts: Conflict[]): KubeError {
  const described = conflicts.map(({ manager, path }) => `conflict with "${manager.name}"${manager.operation === 'Update' ? ' (update)' : ''}: ${describePath(path)}`);
  const count = conflicts.length === 1 ? '1 conflict' : `${conflicts.length} conflicts`;
  return new KubeError('Conflict', `Apply failed with ${count}: ${described.join(', ')}`, 409);
}

/** `.spec.ports[port=80,protocol="TCP"].targetPort`, as the API server writes field paths. */
function describePath(path: FieldPath): string {
  return path
    .map((segment) => {
      if (!isElementSegment(segment)) return `.${segment}`;
      const id = JSON.parse(segment.slice(2)) as JsonObject;
      return `[${Object.entries(id).map(([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v) : String(v)}`).join(',')}]`;
    })
    .join('');
}
