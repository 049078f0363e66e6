import { PLAIN_SCHEMA, type FieldSchema } from './field-schema.js';
import { deepEqual, isObject, type JsonObject } from './json.js';

/**
 * Field paths, the unit of ownership in MemoryKube's server-side apply. A path goes through map
 * keys and, in lists merged by key (field-schema.ts), through an element segment `k:{"port":80,…}`
 * naming the element by its key fields, as the real server's managedFields do. Atomic lists and
 * maps, and empty maps, are leaves: they are owned whole. An element segment is itself a path
 * (the element exists), besides the paths of its fields.
 */
export type FieldPath = readonly string[];

const ELEMENT = 'k:';
export const isElementSegment = (segment: string | undefined): boolean => segment?.startsWith(ELEMENT) ?? false;

/** `k:{…}` of a list element, its key fields filled with their defaults; undefined if a key is missing. */
export function elementSegment(element: unknown, keys: Readonly<Record<string, unknown>>): string | undefined {
  if (!isObject(element)) return undefined;
  const id: JsonObject = {};
  for (const [key, fallback] of Object.entries(keys)) {
    const value = element[key] ?? fallback;
    if (value === undefined) return undefined;
    id[key] = value;
  }
  return ELEMENT + JSON.stringify(id);
}

/** The key fields of the list at `path`, when it is merged by key and every element has them. */
export function keyedList(value: unknown, path: FieldPath, schema: FieldSchema): Readonly<Record<string, unknown>> | undefined {
  const keys = Array.isArray(value) && value.length > 0 ? schema.listKeys(path) : undefined;
  return keys && (value as unknown[]).every((element) => elementSegment(element, keys) !== undefined) ? keys : undefined;
}

export function leafPaths(value: unknown, schema: FieldSchema = PLAIN_SCHEMA, prefix: FieldPath = []): FieldPath[] {
  const keys = keyedList(value, prefix, schema);
  if (keys) {
    return (value as unknown[]).flatMap((element) => {
      const at = [...prefix, elementSegment(element, keys) ?? ''];
      return [at, ...leafPaths(element, schema, at).filter((p) => p.length > at.length)];
    });
  }
  if (!isObject(value) || Object.keys(value).length === 0 || schema.atomic(prefix)) return prefix.length ? [prefix] : [];
  return Object.entries(value).flatMap(([key, child]) => leafPaths(child, schema, [...prefix, key]));
}

export const pathKey = (path: FieldPath): string => JSON.stringify(path);

/** Is `path` `ancestor` itself or below it? */
export const isWithin = (path: FieldPath, ancestor: FieldPath): boolean => ancestor.length <= path.length && ancestor.every((s, i) => path[i] === s);

/** The child of `node` at `segment`: a map key, or the element of a keyed list. */
function child(node: unknown, segment: string, at: FieldPath, schema: FieldSchema): unknown {
  if (Array.isArray(node) && isElementSegment(segment)) {
    const keys = schema.listKeys(at);
    return keys ? node.find((element) => elementSegment(element, keys) === segment) : undefined;
  }
  return isObject(node) && Object.hasOwn(node, segment) ? node[segment] : undefined;
}

export function valueAt(obj: unknown, path: FieldPath, schema: FieldSchema = PLAIN_SCHEMA): unknown {
  let node = obj;
  for (let i = 0; i < path.length; i++) {
    node = child(node, path[i] ?? '', path.slice(0, i), schema);
    if (node === undefined) return undefined;
  }
  return node;
}

function removeChild(node: unknown, segment: string, at: FieldPath, schema: FieldSchema): void {
  if (Array.isArray(node)) {
    const keys = schema.listKeys(at);
    const index = keys ? node.findIndex((element) => elementSegment(element, keys) === segment) : -1;
    if (index >= 0) node.splice(index, 1);
  } else if (isObject(node)) {
    delete node[segment];
  }
}

const isEmpty = (value: unknown): boolean => (Array.isArray(value) ? value.length === 0 : isObject(value) && Object.keys(value).length === 0);

/** Removes what is at `path` from `obj` (in place), then any map or keyed list that removal left empty. */
export function removePath(obj: JsonObject, path: FieldPath, schema: FieldSchema = PLAIN_SCHEMA): void {
  const parents: unknown[] = [obj];
  for (let i = 0; i < path.length - 1; i++) {
    const next = child(parents[i], path[i] ?? '', path.slice(0, i), schema);
    if (next === undefined) return;
    parents.push(next);
  }
  for (let depth = path.length - 1; depth >= 0; depth--) {
    const segment = path[depth] ?? '';
    const at = path.slice(0, depth);
    if (depth < path.length - 1 && !isEmpty(child(parents[depth], segment, at, schema))) return;
    if (depth === 0 && segment === 'metadata') return;
    removeChild(parents[depth], segment, at, schema);
  }
}

/**
 * Paths whose value differs between two versions of an object (added, changed or removed). An
 * element segment changes only when the element comes or goes; a change inside it is its fields'.
 */
export function changedPaths(before: unknown, after: unknown, schema: FieldSchema = PLAIN_SCHEMA): FieldPath[] {
  const changed = new Map<string, FieldPath>();
  for (const path of [...leafPaths(before, schema), ...leafPaths(after, schema)]) {
    const was = valueAt(before, path, schema);
    const is = valueAt(after, path, schema);
    const differs = isElementSegment(path[path.length - 1]) ? (was === undefined) !== (is === undefined) : !deepEqual(was, is);
    if (differs) changed.set(pathKey(path), path);
  }
  return [...changed.values()];
}
