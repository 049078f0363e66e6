/**
 * Which changes between two versions of a CRD would break objects already stored: the rules an
 * upgrade must keep. Objects are never rewritten by an upgrade, so the new CRD must still serve the
 * version they were stored in, and its schema must accept (and not prune) what the old one accepted.
 */
export interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  required?: string[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

export interface Crd {
  metadata: { name: string };
  spec: {
    group: string;
    scope: string;
    names: { kind: string; plural: string };
    versions: { name: string; served: boolean; storage: boolean; schema?: { openAPIV3Schema: Schema } }[];
  };
}

function boundProblems(at: string, before: Schema, after: Schema): string[] {
  const problems: string[] = [];
  const tighter = (key: 'minimum' | 'minLength', dir: 1) => after[key] !== undefined && (before[key] === undefined || after[key] * dir > before[key] * dir);
  const lower = (key: 'maximum' | 'maxLength') => after[key] !== undefined && (before[key] === undefined || after[key] < before[key]);
  if (tighter('minimum', 1) || tighter('minLength', 1)) problems.push(`${at}: lower bound raised`);
  if (lower('maximum') || lower('maxLength')) problems.push(`${at}: upper bound lowered`);
  return problems;
}

/** What the new schema refuses or prunes that the old one accepted, by field path. */
export function schemaProblems(at: string, before: Schema, after: Schema): string[] {
  const problems: string[] = [];
  if (before.type && after.type !== before.type) problems.push(`${at}: type ${before.type} became ${after.type ?? 'untyped'}`);
  for (const field of after.required ?? []) if (!(before.required ?? []).includes(field)) problems.push(`${at}.${field}: newly required`);
  if (after.enum && !before.enum) problems.push(`${at}: enum added`);
  for (const value of (after.enum && before.enum) ?? []) if (!after.enum?.includes(value)) problems.push(`${at}: enum value ${JSON.stringify(value)} removed`);
  problems.push(...boundProblems(at, before, after));
  for (const [field, sub] of Object.entries(before.properties ?? {})) {
    const next = after.properties?.[field];
    if (next) problems.push(...schemaProblems(`${at}.${field}`, sub, next));
    else if (!after['x-kubernetes-preserve-unknown-fields']) problems.push(`${at}.${field}: removed (stored values would be pruned)`);
  }
  if (before.items && after.items) problems.push(...schemaProblems(`${at}[]`, before.items, after.items));
  if (typeof before.additionalProperties === 'object' && typeof after.additionalProperties === 'object') problems.push(...schemaProblems(`${at}.*`, before.additionalProperties, after.additionalProperties));
  return problems;
}

/** Every problem upgrading from `before` to `after`; empty when existing objects stay valid. */
export function upgradeProblems(before: Crd, after: Crd | undefined): string[] {
  const name = before.metadata.name;
  if (!after) return [`${name}: removed`];
  const problems: string[] = [];
  for (const key of ['group', 'scope'] as const) if (before.spec[key] !== after.spec[key]) problems.push(`${name}: spec.${key} changed`);
  if (before.spec.names.kind !== after.spec.names.kind || before.spec.names.plural !== after.spec.names.plural) problems.push(`${name}: kind or plural changed`);
  const storage = after.spec.versions.filter((v) => v.storage);
  if (storage.length !== 1) problems.push(`${name}: ${storage.length} storage versions (exactly one is needed)`);
  for (const version of before.spec.versions.filter((v) => v.served)) {
    const next = after.spec.versions.find((v) => v.name === version.name);
    if (!next?.served) {
      problems.push(`${name} ${version.name}: no longer served (stored objects${version.storage ? '' : ' and clients'} could not be read)`);
      continue;
    }
    const [old, now] = [version.schema?.openAPIV3Schema, next.schema?.openAPIV3Schema];
    if (old && now) problems.push(...schemaProblems(`${name} ${version.name}`, old, now));
  }
  return problems;
}
