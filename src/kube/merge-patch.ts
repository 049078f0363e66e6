import { deepCopy, isObject } from './json.js';

/**
 * RFC 7386 JSON merge patch: maps merge recursively, `null` deletes a key, anything else (lists
 * included) replaces. Returns a new value; neither argument is modified.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return deepCopy(patch);
  const result = isObject(target) ? deepCopy(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}
