import { deepEqual, isObject, type JsonObject } from './json.js';

/**
 * Leaf field paths, the unit of ownership in MemoryKube's server-side-apply approximation.
 * Lists and empty maps are leaves: lists replace as a whole, so a manager owns a list entirely.
 */
export type FieldPath = readonly string[];

export function leafPaths(value: unknown, prefix: FieldPath = []): FieldPath[] {
  if (!isObject(value) || Object.keys(value).length === 0) return prefix.length ? [prefix] : [];
  return Object.entries(value).flatMap(([key, child]) => leafPaths(child, [...prefix, key]));
}

export const pathKey = (path: FieldPath): string => JSON.stringify(path);

export function valueAt(obj: unknown, path: FieldPath): unknown {
  let node = obj;
  for (const key of path) {
    if (!isObject(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

/** Removes the leaf at `path` from `obj` (in place), then any map that removal left empty. */
export function removePath(obj: JsonObject, path: FieldPath): void {
  const parents: JsonObject[] = [obj];
  for (const key of path.slice(0, -1)) {
    const next = parents[parents.length - 1]?.[key];
    if (!isObject(next)) return;
    parents.push(next);
  }
  for (let depth = path.length - 1; depth >= 0; depth--) {
    const parent = parents[depth];
    const key = path[depth];
    if (!parent || key === undefined) return;
    const child = parent[key];
    if (depth < path.length - 1 && (!isObject(child) || Object.keys(child).length > 0)) return;
    if (depth === 0 && key === 'metadata') return;
    delete parent[key];
  }
}

/** Leaf paths whose value differs between two versions of an object (added, changed or removed). */
export function changedPaths(before: unknown, after: unknown): FieldPath[] {
  const changed = new Map<string, FieldPath>();
  for (const path of [...leafPaths(before), ...leafPaths(after)]) {
    if (!deepEqual(valueAt(before, path), valueAt(after, path))) changed.set(pathKey(path), path);
  }
  return [...changed.values()];
}
