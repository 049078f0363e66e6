import { FIELD_MANAGER, type KubeObject, type ObjectRef } from '../kube/types.js';
import type { RouterDeps } from './types.js';

export const DRIFT_REASON = 'RoutingDrift';

interface ManagedFieldsEntry { manager?: string; operation?: string; time?: string }
interface OwnerReference { apiVersion?: string; kind?: string; name?: string; uid?: string }

/**
 * Another writer changed a field Pennant declares on an object it routes with (a human's kubectl
 * edit, an Argo CD or Flux sync) and Pennant just put it back: a Warning Event, on the Canary that
 * owns the object (else on the object), naming the other writer when managedFields says who it
 * was. Repeats bump the Event's count. Best effort: an Event that cannot be recorded changes nothing.
 */
export async function reportDrift(deps: RouterDeps, current: KubeObject): Promise<void> {
  const writer = lastOtherWriter(current);
  const what = `${current.kind} ${current.metadata.namespace ?? ''}/${current.metadata.name ?? ''}`;
  const message = writer
    ? `${what}: fields Pennant manages were changed by "${writer}"; Pennant set them back (force). Stop "${writer}" managing them, or let Pennant own the object`
    : `${what}: the API server does not keep fields Pennant set (a CRD older than the field?); Pennant set them again`;
  try {
    await deps.kube.recordEvent({ regarding: regarding(current), type: 'Warning', reason: DRIFT_REASON, message });
  } catch {
    // Telling is best effort: the routes are already back.
  }
}

function lastOtherWriter(obj: KubeObject): string | undefined {
  const entries = ((obj.metadata as { managedFields?: ManagedFieldsEntry[] }).managedFields ?? [])
    .filter((e) => !(e.manager === FIELD_MANAGER && e.operation === 'Apply') && e.manager);
  return entries.sort((a, b) => (b.time ?? '').localeCompare(a.time ?? ''))[0]?.manager;
}

function regarding(obj: KubeObject): ObjectRef & { uid?: string } {
  const owners = (obj.metadata as { ownerReferences?: OwnerReference[] }).ownerReferences ?? [];
  const canary = owners.find((o) => o.kind === 'Canary' && o.apiVersion?.startsWith('pennant.dev/'));
  const namespace = obj.metadata.namespace ?? 'default';
  if (canary?.apiVersion && canary.name) return { apiVersion: canary.apiVersion, kind: 'Canary', namespace, name: canary.name, ...(canary.uid ? { uid: canary.uid } : {}) };
  return { apiVersion: obj.apiVersion, kind: obj.kind, namespace, name: obj.metadata.name ?? '', ...(obj.metadata.uid ? { uid: obj.metadata.uid } : {}) };
}
