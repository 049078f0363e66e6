import type { KubeObject } from '../kube/types.js';
import { APPLIED_HASH_ANNOTATION } from './apply.js';
import { RouterError } from './types.js';

/**
 * The spec a VirtualService had before Pennant took it over (Flagger keeps it in
 * `flagger.kubernetes.io/original-configuration`), as JSON; revertOnDeletion puts it back.
 */
export const ORIGINAL_ANNOTATION = 'pennant.dev/original-configuration';

/**
 * Whose VirtualService Pennant routes with: one it generates (owned by the Canary, gone with it), or
 * the user's own, which existed before Pennant first applied it (Flagger's tutorials have users
 * write it with their gateways and hosts). The user's is never given the Canary's ownerReference,
 * so deleting the Canary never deletes it, and its original spec is recorded once, when Pennant
 * first takes it over: later reconciles read the record back, never re-record Pennant's own spec.
 */
export type VirtualServiceOwner = { kind: 'generated' } | { kind: 'user'; original: string };

export function ownerOf(current: KubeObject | undefined): VirtualServiceOwner {
  const annotations = current?.metadata.annotations ?? {};
  const recorded = annotations[ORIGINAL_ANNOTATION];
  if (recorded !== undefined) return { kind: 'user', original: recorded };
  if (!current || APPLIED_HASH_ANNOTATION in annotations) return { kind: 'generated' };
  return { kind: 'user', original: JSON.stringify(current.spec ?? {}) };
}

/**
 * The user's VirtualService as it was: its original spec, and none of Pennant's metadata. Applied
 * as Pennant's field manager, so every field Pennant set and the original lacks goes away, and the
 * fields the user's other tools manage are left as they are.
 */
export function restoredVirtualService(current: KubeObject, original: string): KubeObject {
  let spec: unknown;
  try {
    spec = JSON.parse(original);
  } catch {
    spec = undefined;
  }
  const { name, namespace } = current.metadata;
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new RouterError(
      `istio: VirtualService ${namespace ?? ''}/${name ?? ''}: annotation ${ORIGINAL_ANNOTATION} is not a JSON object; ` +
        'cannot restore the spec it had before Pennant; restore it by hand and remove the annotation',
    );
  }
  return { apiVersion: current.apiVersion, kind: current.kind, metadata: { name, namespace }, spec };
}
