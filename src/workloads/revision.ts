import { createHash } from 'node:crypto';

/**
 * JSON with sorted keys and without empty values: the same object always serialises the same way,
 * whatever the order or the omitempty habits of whoever wrote it.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(prune(value)) ?? 'null';
}

function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = prune((value as Record<string, unknown>)[key]);
    if (v === null || v === undefined) continue;
    if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[key] = v;
  }
  return out;
}

export const shortHash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

/**
 * Revision identity of a workload: a hash of its pod template as stored in the API, never of our own
 * structs, so that upgrading Pennant never looks like a new revision and never restarts an analysis.
 */
export const hashPodTemplate = (template: unknown): string => shortHash(canonicalJson(template));
