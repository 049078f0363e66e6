import type { ObjectReference } from '../api/index.js';
import { KubeError } from '../kube/errors.js';
import type { KubeClient, KubeObject, ObjectRef } from '../kube/types.js';
import { errorMessage } from './errors.js';
import { isFoundation, refOfObject } from './scope.js';

export const GITOPS_FIELD_MANAGER = 'pennant-gitops';

export type ApplyFailureReason = 'Forbidden' | 'ApplyFailed';

export interface ApplyFailure {
  reason: ApplyFailureReason;
  message: string;
}

export interface ApplyOutcome {
  applied: ObjectRef[];
  failure?: ApplyFailure;
}

/**
 * Server-side applies each object in order as `kube`'s identity (the GitSource's ServiceAccount),
 * with field manager pennant-gitops and `force`: Git wins over other managers for the fields it
 * declares. Stops at the first failure, which names the object and carries the API server's words.
 */
export async function applyAll(kube: KubeClient, objects: readonly KubeObject[], signal: AbortSignal): Promise<ApplyOutcome> {
  const applied: ObjectRef[] = [];
  for (const object of objects) {
    if (signal.aborted) return { applied, failure: { reason: 'ApplyFailed', message: 'stopped: the controller is shutting down' } };
    try {
      await kube.apply(object, { fieldManager: GITOPS_FIELD_MANAGER, force: true });
      applied.push(refOfObject(object));
    } catch (err) {
      return { applied, failure: failureOf(err) };
    }
  }
  return { applied };
}

export interface PruneOutcome {
  deleted: ObjectReference[];
  /** Namespaces and CRDs that left Git: deleting them would take everything in them, so they stay. */
  kept: ObjectReference[];
  failure?: ApplyFailure;
}

/** Deletes what left Git, as `kube`'s identity; already gone is fine. */
export async function pruneAll(kube: KubeClient, refs: readonly ObjectReference[], signal: AbortSignal): Promise<PruneOutcome> {
  const deleted: ObjectReference[] = [];
  const kept = refs.filter((ref) => isFoundation(ref.kind));
  for (const ref of refs.filter((r) => !isFoundation(r.kind))) {
    if (signal.aborted) return { deleted, kept, failure: { reason: 'ApplyFailed', message: 'stopped: the controller is shutting down' } };
    try {
      await kube.delete(ref);
      deleted.push(ref);
    } catch (err) {
      if (err instanceof KubeError && err.code === 'NotFound') {
        deleted.push(ref);
        continue;
      }
      return { deleted, kept, failure: failureOf(err) };
    }
  }
  return { deleted, kept };
}

function failureOf(err: unknown): ApplyFailure {
  const forbidden = err instanceof KubeError && (err.code === 'Forbidden' || err.code === 'Unauthorized');
  return { reason: forbidden ? 'Forbidden' : 'ApplyFailed', message: errorMessage(err) };
}
