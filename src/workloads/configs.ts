import { createHash } from 'node:crypto';
import { canonicalJson } from './revision.js';
import type { ConfigMap, Secret } from './k8s-types.js';

export type ConfigKind = 'configmap' | 'secret';

export interface ConfigRef {
  kind: ConfigKind;
  name: string;
  /** An optional reference to a missing object is not an error (Flagger skips it too). */
  optional: boolean;
}

/** Opt-out annotation, honoured under Flagger's name too so migrated manifests keep working. */
export const CONFIG_TRACKING_ANNOTATIONS = ['pennant.dev/config-tracking', 'flagger.app/config-tracking'];

/** Secret types whose content is configuration; image pull secrets and tokens are not tracked. */
const TRACKED_SECRET_TYPES = new Set(['Opaque', 'kubernetes.io/basic-auth', 'kubernetes.io/ssh-auth', 'kubernetes.io/tls']);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const objects = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);

type Visit = (kind: ConfigKind, holder: Json, nameKey: string) => void;

/** Visits every place a pod spec names a ConfigMap or Secret: volumes, projected volumes, env, envFrom. */
function walkConfigRefs(podSpec: Json, visit: Visit): void {
  const at = (kind: ConfigKind, holder: unknown, nameKey = 'name'): void => {
    if (isObject(holder) && typeof holder[nameKey] === 'string' && holder[nameKey]) visit(kind, holder, nameKey);
  };
  for (const volume of objects(podSpec.volumes)) {
    at('configmap', volume.configMap);
    at('secret', volume.secret, 'secretName');
    for (const source of objects(isObject(volume.projected) ? volume.projected.sources : undefined)) {
      at('configmap', source.configMap);
      at('secret', source.secret);
    }
  }
  for (const container of [...objects(podSpec.containers), ...objects(podSpec.initContainers)]) {
    for (const env of objects(container.env)) {
      const from = isObject(env.valueFrom) ? env.valueFrom : {};
      at('configmap', from.configMapKeyRef);
      at('secret', from.secretKeyRef);
    }
    for (const envFrom of objects(container.envFrom)) {
      at('configmap', envFrom.configMapRef);
      at('secret', envFrom.secretRef);
    }
  }
}

/** Every ConfigMap and Secret a pod spec uses, once each. */
export function configRefs(podSpec: unknown): ConfigRef[] {
  if (!isObject(podSpec)) return [];
  const refs: ConfigRef[] = [];
  walkConfigRefs(podSpec, (kind, holder, nameKey) => refs.push({ kind, name: holder[nameKey] as string, optional: holder.optional === true }));
  return dedupe(refs);
}

function dedupe(refs: ConfigRef[]): ConfigRef[] {
  const byKey = new Map<string, ConfigRef>();
  for (const ref of refs) {
    const key = `${ref.kind}/${ref.name}`;
    const seen = byKey.get(key);
    byKey.set(key, seen ? { ...seen, optional: seen.optional && ref.optional } : ref);
  }
  return [...byKey.values()];
}

export function isTrackingDisabled(annotations: Record<string, string> | undefined): boolean {
  return CONFIG_TRACKING_ANNOTATIONS.some((key) => annotations?.[key]?.startsWith('disable') ?? false);
}

export function isTrackedSecret(secret: Secret): boolean {
  return TRACKED_SECRET_TYPES.has(secret.type ?? 'Opaque');
}

/** First 16 hex characters of SHA-256 over the canonical JSON of the data (binaryData included). */
export function configChecksum(obj: ConfigMap | Secret): string {
  const data = obj.kind === 'ConfigMap' ? { data: obj.data, binaryData: obj.binaryData } : { data: obj.data };
  return createHash('sha256').update(canonicalJson(data)).digest('hex').slice(0, 16);
}

export const primaryConfigName = (name: string): string => `${name}-primary`;

/** Points a pod spec's references to tracked configs at their `-primary` copies. */
export function renameConfigRefs(podSpec: unknown, tracked: ReadonlySet<string>): unknown {
  const spec = structuredClone(podSpec);
  if (!isObject(spec)) return spec;
  walkConfigRefs(spec, (kind, holder, nameKey) => {
    const name = holder[nameKey] as string;
    if (tracked.has(`${kind}/${name}`)) holder[nameKey] = primaryConfigName(name);
  });
  return spec;
}
