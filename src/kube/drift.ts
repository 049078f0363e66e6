import type { KubeObject } from './types.js';

/**
 * Does `current` already carry everything `desired` declares? Fields the server adds (defaults,
 * status, managedFields) are ignored, so a reconcile that changes nothing writes nothing.
 */
export function needsApply(desired: KubeObject, current: KubeObject | undefined): boolean {
  if (!current) return true;
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
  return !isSubset(meta, have) || !isSubset(wantRest, haveRest);
}

/** Every field of `want` is in `have` with the same value; lists must match element by element. */
export function isSubset(want: unknown, have: unknown): boolean {
  if (Array.isArray(want)) {
    return Array.isArray(have) && want.length === have.length && want.every((w, i) => isSubset(w, have[i]));
  }
  if (want !== null && typeof want === 'object') {
    if (have === null || typeof have !== 'object' || Array.isArray(have)) return false;
    const record = have as Record<string, unknown>;
    return Object.entries(want).every(([k, v]) => v === undefined || isSubset(v, record[k]));
  }
  return want === have || (typeof want === 'number' && typeof have === 'string' && String(want) === have);
}
