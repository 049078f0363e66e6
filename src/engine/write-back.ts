import type { CanaryStatus } from '../api/index.js';
import { type Ctx, event, id, need, type Outcome } from './context.js';

const FIRST_RETRY_MS = 5_000;
const MAX_RETRY_MS = 5 * 60_000;

/**
 * A pending write-back is attempted before anything else the reconcile does, and again with backoff
 * until Git has it. The rest of the decision goes on either way: a slow Git never holds a rollout.
 */
export function settleWriteBack(ctx: Ctx): Outcome | undefined {
  const pending = ctx.status.pendingWriteBack;
  if (!pending) return undefined;
  if (pending.nextAttempt && Date.parse(pending.nextAttempt) > ctx.now.getTime()) return undefined;
  const result = ctx.obs.writeBack;
  if (!result) return need('writeBack');
  const time = ctx.now.toISOString();
  if (result.ok) {
    const { pendingWriteBack: _done, ...rest } = ctx.status;
    ctx.status = { ...rest, lastWriteBack: { outcome: pending.outcome, time, message: result.message, ...(result.commit ? { commit: result.commit } : {}) } };
    if (result.commit) event(ctx, 'Normal', 'WrittenBack', `${id(ctx)}: ${result.message}`);
    return undefined;
  }
  const attempts = pending.attempts + 1;
  const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (attempts - 1));
  ctx.status = {
    ...ctx.status,
    pendingWriteBack: { ...pending, attempts, lastError: result.message, nextAttempt: new Date(ctx.now.getTime() + delay).toISOString() },
  };
  if (pending.lastError !== result.message) event(ctx, 'Warning', 'WriteBackFailed', `${id(ctx)}: writing the ${pending.outcome === 'rolledBack' ? 'rollback' : 'promotion'} back to Git failed (attempt ${attempts}, next in ${Math.round(delay / 1000)}s): ${result.message}`);
  return undefined;
}

/** When the pending write-back wants the next reconcile. */
export function writeBackDueInMs(status: CanaryStatus, now: Date): number | undefined {
  const pending = status.pendingWriteBack;
  if (!pending) return undefined;
  return pending.nextAttempt ? Math.max(0, Date.parse(pending.nextAttempt) - now.getTime()) : 0;
}
