import { elementSegment, keyedList, type FieldPath } from './field-paths.js';
import { fieldSchema, type FieldSchema, PLAIN_SCHEMA } from './field-schema.js';
import type { KubeObject } from './types.js';

/**
 * Does `current` already carry everything `desired` declares? Fields the server adds (defaults,
 * status, managedFields) and the fields other managers own (an extra label, another port) are
 * ignored, so a reconcile that changes nothing writes nothing.
 */
export function needsApply(desired: KubeObject, current: KubeObject | undefined): boolean {
  if (!current) return true;
  const schema = fieldSchema(desired.kind);
  const { metadata: wantMeta, ...wantRest } = desired;
  const { metadata: haveMeta, ...haveRest } = current;
  const meta = {
    labels: wantMeta.labels ?? {},
    annotations: wantMeta.annotations ?? {},
    ownerReferences: (wantMeta as { ownerReferences?: unknown }).ownerReferences ?? [],
  };
  const have = {
    labels: haveMeta.labels ?? {},
    annotations: haveMeta.annotations ?? {},
    ownerReferences: (haveMeta as { ownerReferences?: unknown }).ownerReferences ?? [],
  };
  return !isSubset(meta, have, schema, ['metadata']) || !isSubset(wantRest, haveRest, schema);
}

/**
 * Every field of `want` is in `have` with the same value. Lists must match element by element,
 * except lists merged by key (field-schema.ts), where each wanted element must be in `have`.
 */
export function isSubset(want: unknown, have: unknown, schema: FieldSchema = PLAIN_SCHEMA, path: FieldPath = []): boolean {
  if (Array.isArray(want)) {
    if (!Array.isArray(have)) return false;
    const keys = keyedList(want, path, schema);
    if (keys && keyedList(have, path, schema)) {
      return want.every((w) => {
        const segment = elementSegment(w, keys);
        return isSubset(w, have.find((h) => elementSegment(h, keys) === segment), schema, [...path, segment ?? '']);
      });
    }
    return want.length === have.length && want.every((w, i) => isSubset(w, have[i], schema, path));
  }
  if (want !== null && typeof want === 'object') {
    if (have === null || typeof have !== 'object' || Array.isArray(have)) return false;
    const record = have as Record<string, unknown>;
    if (schema.atomic(path) && Object.keys(record).some((k) => !(k in want))) return false;
    return Object.entries(want).every(([k, v]) => v === undefined || isSubset(v, record[k], schema, [...path, k]));
  }
  return want === have || (typeof want === 'number' && typeof have === 'string' && String(want) === have);
}
