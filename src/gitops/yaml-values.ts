/** Small helpers over plain values parsed from YAML or read from the API. */

export type PlainMap = Record<string, unknown>;

export const isMap = (value: unknown): value is PlainMap => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Structural equality of plain JSON-like values (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (!isMap(a) || !isMap(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
}

/** Scalars as YAML authors mean them: `"80"` in Git and 80 from the API are the same port. */
export const sameScalar = (a: unknown, b: unknown): boolean =>
  a === b || (a !== null && b !== null && typeof a !== 'object' && typeof b !== 'object' && String(a) === String(b));

/**
 * Is every field of `part` in `whole` with the same value? Lists match item by item (by `name` when
 * every item has one). This is "Git declares this object", given what the API server added.
 */
export function isSubset(part: unknown, whole: unknown): boolean {
  if (isMap(part)) {
    if (!isMap(whole)) return false;
    return Object.entries(part).every(([k, v]) => (v === null || v === undefined ? true : isSubset(v, whole[k])));
  }
  if (Array.isArray(part)) {
    if (!Array.isArray(whole)) return false;
    if (namedItems(part) && namedItems(whole)) return part.every((item) => isSubset(item, whole.find((w) => w.name === item.name)));
    return part.length === whole.length && part.every((item, i) => isSubset(item, whole[i]));
  }
  return sameScalar(part, whole);
}

/** Lists of maps that all have a string `name` (containers, env, ports, volumes) match by name. */
export const namedItems = (list: unknown[]): list is (PlainMap & { name: string })[] =>
  list.length > 0 && list.every((item) => isMap(item) && typeof item.name === 'string') &&
  new Set(list.map((item) => (item as { name: string }).name)).size === list.length;
