import type { GitSource, GitSourceStatus, ObjectReference } from '../api/index.js';
import { setCondition } from '../engine/status.js';

export type SyncReason = 'Succeeded' | 'FetchFailed' | 'ValidationFailed' | 'ApplyFailed' | 'Forbidden';

export interface SyncEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** What one sync found and did; the controller turns it into the GitSource's status. */
export interface SyncResult {
  reason: SyncReason;
  message: string;
  fetchedRevision?: string;
  attemptedRevision?: string;
  appliedRevision?: string;
  /** The new inventory, when the sync applied anything. */
  inventory?: ObjectReference[];
  events: SyncEvent[];
}

export type LastWriteBack = NonNullable<GitSourceStatus['lastWriteBack']>;

export const READY = 'Ready';

/** The status after a sync: revisions, inventory, the Ready condition, and a write-back to record. */
export function statusAfterSync(source: GitSource, result: SyncResult, now: Date, writeBack?: LastWriteBack): GitSourceStatus {
  const before = source.status ?? {};
  const ok = result.reason === 'Succeeded';
  return {
    ...before,
    observedGeneration: source.metadata.generation,
    ...(result.fetchedRevision ? { lastFetchedRevision: result.fetchedRevision } : {}),
    ...(result.attemptedRevision ? { lastAttemptedRevision: result.attemptedRevision } : {}),
    ...(result.appliedRevision ? { lastAppliedRevision: result.appliedRevision } : {}),
    ...(result.inventory ? { inventory: result.inventory } : {}),
    ...(writeBack ? { lastWriteBack: writeBack } : {}),
    lastSyncTime: now.toISOString(),
    conditions: setCondition(before.conditions, {
      type: READY,
      status: ok ? 'True' : 'False',
      reason: result.reason,
      message: result.message,
      ...(source.metadata.generation !== undefined ? { observedGeneration: source.metadata.generation } : {}),
    }, now),
  };
}

/** The Ready condition's message before this sync, to tell a new failure from a repeated one. */
export const readyMessage = (source: GitSource): string | undefined => source.status?.conditions?.find((c) => c.type === READY)?.message;
