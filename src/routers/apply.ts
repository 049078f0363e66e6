import type { KubeObject, ResourceType } from '../kube/types.js';
import { needsApply } from '../kube/drift.js';
import { canonicalJson, shortHash } from '../workloads/revision.js';
import { reportDrift } from './drift-event.js';
import type { RouterDeps } from './types.js';

/**
 * Hash of the object as Pennant last applied it. A field dropped from the desired object (a label,
 * a mirror filter, a timeout) leaves the desired object a subset of the stored one, which the
 * drift check alone would take for "nothing to do"; the hash changes, so the apply happens.
 */
export const APPLIED_HASH_ANNOTATION = 'pennant.dev/applied-hash';

/**
 * Server-side apply of the fields Pennant declares, skipped when the informer cache shows the object
 * already as desired. `force`: a field another manager took is taken back (other managers' fields,
 * which Pennant does not declare, are never touched). When what Pennant wants has not changed since
 * it last applied (same hash) and the object still differs, someone else changed it: say so.
 */
export async function applyIfChanged(deps: RouterDeps, obj: KubeObject): Promise<void> {
  const desired = withAppliedHash(obj);
  const type: ResourceType = { apiVersion: desired.apiVersion, kind: desired.kind };
  const current = deps.cache.get(type, desired.metadata.namespace ?? 'default', desired.metadata.name ?? '');
  if (!needsApply(desired, current)) return;
  await deps.kube.apply(desired, { force: true });
  if (current && hashOf(current) === hashOf(desired)) await reportDrift(deps, desired, current);
}

const hashOf = (obj: KubeObject): string | undefined => obj.metadata.annotations?.[APPLIED_HASH_ANNOTATION];

/**
 * An empty `labels: {}` would make Pennant a manager of the whole map, and dropping it later would
 * take the labels others put there with it: Pennant applies the labels it sets, never an empty map.
 */
function withAppliedHash(obj: KubeObject): KubeObject {
  const { labels, ...metadata } = obj.metadata;
  const annotations = { ...(obj.metadata.annotations ?? {}), [APPLIED_HASH_ANNOTATION]: shortHash(canonicalJson(obj)) };
  return { ...obj, metadata: { ...metadata, ...(labels && Object.keys(labels).length ? { labels } : {}), annotations } };
}
