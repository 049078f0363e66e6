import type { Canary } from '../api/index.js';
import type { KubeClient, KubeObject, ObjectRef, ResourceType } from '../kube/types.js';
import { type ConfigRef, configChecksum, configRefs, isTrackedSecret, isTrackingDisabled, primaryConfigName } from './configs.js';
import { configMap, type ConfigMap, type PodController, secret, type Secret } from './k8s-types.js';
import { ownerReference } from './primary.js';
import { shortHash } from './revision.js';
import { type ObjectReader, WorkloadError } from './types.js';

/**
 * Config tracking, the same for every target kind: the ConfigMaps and Secrets a target's pod
 * template uses, their checksums, and the `-primary` copies the primary's pods use instead.
 */

export const CONFIGMAP: ResourceType = { apiVersion: 'v1', kind: 'ConfigMap' };
export const SECRET: ResourceType = { apiVersion: 'v1', kind: 'Secret' };

export interface TrackedConfig { ref: ConfigRef; object: ConfigMap | Secret; checksum: string }

const keyOf = (ref: ConfigRef): string => `${ref.kind}/${ref.name}`;

/** The objects the target's pod template names, which the cache may hold only on demand. */
export function configReads(target: PodController): ObjectRef[] {
  const ns = target.metadata.namespace ?? 'default';
  return configRefs(target.spec.template.spec).map((ref) => ({ ...(ref.kind === 'configmap' ? CONFIGMAP : SECRET), namespace: ns, name: ref.name }));
}

/** The configs the target uses and Pennant tracks; a required one that is missing is an error. */
export function trackedConfigs(cache: ObjectReader, target: PodController): TrackedConfig[] {
  const ns = target.metadata.namespace ?? 'default';
  const tracked: TrackedConfig[] = [];
  for (const ref of configRefs(target.spec.template.spec)) {
    const raw = cache.get(ref.kind === 'configmap' ? CONFIGMAP : SECRET, ns, ref.name);
    if (!raw) {
      if (ref.optional) continue;
      throw new WorkloadError(`${ref.kind === 'configmap' ? 'ConfigMap' : 'Secret'} ${ns}/${ref.name} used by ${target.kind} ${ns}/${target.metadata.name} not found`);
    }
    const object = ref.kind === 'configmap' ? configMap.parse(raw) : secret.parse(raw);
    if (isTrackingDisabled(object.metadata.annotations)) continue;
    if (object.kind === 'Secret' && !isTrackedSecret(object)) continue;
    tracked.push({ ref, object, checksum: configChecksum(object) });
  }
  return tracked.sort((a, b) => keyOf(a.ref).localeCompare(keyOf(b.ref)));
}

/** `status.trackedConfigs`: `configmap/<name>` → checksum. */
export const trackedChecksums = (configs: readonly TrackedConfig[]): Record<string, string> =>
  Object.fromEntries(configs.map((c) => [keyOf(c.ref), c.checksum]));

/** What the primary's template needs to know of the configs: which refs move, and one checksum of them all. */
export const primaryConfigInputs = (configs: readonly TrackedConfig[]): { tracked: Set<string>; configsChecksum: string } => ({
  tracked: new Set(configs.map((c) => keyOf(c.ref))),
  configsChecksum: shortHash(configs.map((c) => c.checksum).join(',')),
});

/** Writes the `-primary` copies of the tracked configs, before the primary that uses them. */
export async function applyPrimaryConfigs(kube: KubeClient, canary: Canary, configs: readonly TrackedConfig[]): Promise<void> {
  for (const config of configs) await kube.apply(primaryConfig(canary, config.object), { force: true });
}

function primaryConfig(canary: Canary, source: ConfigMap | Secret): KubeObject {
  const { name, namespace, labels, annotations } = source.metadata;
  const copy: KubeObject = {
    apiVersion: 'v1',
    kind: source.kind,
    metadata: {
      name: primaryConfigName(name ?? ''),
      namespace,
      labels: dropGitOpsLabels(labels),
      annotations: annotations ?? {},
      ownerReferences: [ownerReference(canary)],
    },
  };
  if (source.kind === 'ConfigMap') return { ...copy, data: source.data ?? {}, binaryData: source.binaryData ?? {} };
  return { ...copy, type: source.type ?? 'Opaque', data: source.data ?? {} };
}

/** A GitOps tool must not prune or adopt our copies as if they were its own objects. */
function dropGitOpsLabels(labels: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(labels ?? {}).filter(([k]) => !k.includes('toolkit.fluxcd.io') && !k.startsWith('pennant.dev/gitsource')));
}
