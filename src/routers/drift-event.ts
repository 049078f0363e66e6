import { isSubset } from '../kube/drift.js';
import { leafPaths, valueAt, type FieldPath } from '../kube/field-paths.js';
import { fieldSchema } from '../kube/field-schema.js';
import { FIELD_MANAGER, type KubeObject, type ObjectRef } from '../kube/types.js';
import type { RouterDeps } from './types.js';

export const DRIFT_REASON = 'RoutingDrift';

interface ManagedFieldsEntry { manager?: string; operation?: string; time?: string; fieldsV1?: unknown }
interface OwnerReference { apiVersion?: string; kind?: string; name?: string; uid?: string }

/**
 * Another writer changed a field Pennant declares on an object it routes with (a human's kubectl
 * edit, an Argo CD or Flux sync) and Pennant just put it back: a Warning Event, on the Canary that
 * owns the object (else on the object), naming the other writer: the manager that managedFields
 * says owns a field Pennant had to set back. Repeats bump the Event's count. Best effort: an Event
 * that cannot be recorded changes nothing.
 */
export async function reportDrift(deps: RouterDeps, desired: KubeObject, current: KubeObject): Promise<void> {
  const writer = otherWriter(desired, current);
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

function otherWriter(desired: KubeObject, current: KubeObject): string | undefined {
  const entries = ((current.metadata as { managedFields?: ManagedFieldsEntry[] }).managedFields ?? [])
    .filter((e) => !(e.manager === FIELD_MANAGER && e.operation === 'Apply') && e.manager);
  const differing = differingPaths(desired, current);
  const owner = entries.find((e) => differing.some((path) => owns(e.fieldsV1, path)));
  return (owner ?? [...entries].sort((a, b) => (b.time ?? '').localeCompare(a.time ?? ''))[0])?.manager;
}

/** The paths of `desired` the live object does not carry (what Pennant had to set back). */
function differingPaths(desired: KubeObject, current: KubeObject): FieldPath[] {
  const schema = fieldSchema(desired.kind);
  return leafPaths(desired, schema).filter((path) => !isSubset(valueAt(desired, path, schema), valueAt(current, path, schema), schema, path));
}

/** Does a managedFields `fieldsV1` set hold `path` (`{"f:spec":{"f:gateways":{}}}`, `k:{…}` for elements)? */
function owns(fieldsV1: unknown, path: FieldPath): boolean {
  let node = fieldsV1;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null) return false;
    node = (node as Record<string, unknown>)[segment.startsWith('k:') ? segment : `f:${segment}`];
    if (node === undefined) return false;
  }
  return true;
}

function regarding(obj: KubeObject): ObjectRef & { uid?: string } {
  const owners = (obj.metadata as { ownerReferences?: OwnerReference[] }).ownerReferences ?? [];
  const canary = owners.find((o) => o.kind === 'Canary' && o.apiVersion?.startsWith('pennant.dev/'));
  const namespace = obj.metadata.namespace ?? 'default';
  if (canary?.apiVersion && canary.name) return { apiVersion: canary.apiVersion, kind: 'Canary', namespace, name: canary.name, ...(canary.uid ? { uid: canary.uid } : {}) };
  return { apiVersion: obj.apiVersion, kind: obj.kind, namespace, name: obj.metadata.name ?? '', ...(obj.metadata.uid ? { uid: obj.metadata.uid } : {}) };
}
