import type { Canary, CanaryStatus } from '../api/index.js';
import type { WriteBackResult } from '../engine/types.js';

export type PendingWriteBack = NonNullable<CanaryStatus['pendingWriteBack']>;

/**
 * Writes the outcome of a rollout to the Git repository the Canary's target came from: after a
 * rollback Git no longer declares the bad version, after a promotion Git records what was promoted.
 * Idempotent (Git already as wanted is `ok`), never force-pushes, never throws: a failure is a result.
 */
export interface WriteBack {
  apply(canary: Canary, pending: PendingWriteBack, signal: AbortSignal): Promise<WriteBackResult>;
}

/** Used while no GitSource manages Canaries: there is nothing to write, and that is not an error. */
export class NoWriteBack implements WriteBack {
  async apply(canary: Canary): Promise<WriteBackResult> {
    return { ok: true, message: `no GitSource manages ${canary.metadata.namespace ?? 'default'}/${canary.spec.targetRef.name}: nothing to write back` };
  }
}
