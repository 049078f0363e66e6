import type { OperatorRequest, Verb } from '../../api/index.js';
import { type Ctx, id, type Outcome, targetChanged, targetIsPromoted } from '../context.js';
import { rollback } from '../outcomes.js';
import { getCondition, isPaused, PAUSED, setCondition } from '../status.js';
import { startRollout } from './idle.js';
import { promoting } from './promoting.js';
import { confirmPromotion } from './strategy.js';

/** What a verb makes of the Canary as it is: refused (and nothing changes), done, or an answer needed first. */
export type Verdict =
  | { kind: 'refused'; message: string }
  /** `outcome`: the verb decided the step; absent, the phase's rules run on the status it left. */
  | { kind: 'done'; message: string; outcome?: Outcome }
  | { kind: 'evaluate'; outcome: Extract<Outcome, { kind: 'evaluate' }> };

const refused = (message: string): Verdict => ({ kind: 'refused', message });
const doneWith = (message: string, outcome?: Outcome): Verdict =>
  outcome?.kind === 'evaluate' ? { kind: 'evaluate', outcome } : { kind: 'done', message, ...(outcome ? { outcome } : {}) };

const RULES: Record<Verb, (ctx: Ctx, request: OperatorRequest) => Verdict> = {
  promote: (ctx) => promote(ctx, false),
  'promote-full': (ctx) => promote(ctx, true),
  abort,
  pause,
  resume,
  retry,
};

/** The rules of docs/state-machine.md ("Operating a rollout"): one verb, the phase it finds. */
export function decideRequest(ctx: Ctx, request: OperatorRequest): Verdict {
  return RULES[request.verb](ctx, request);
}

const phaseOf = (ctx: Ctx): string => ctx.status.phase || 'Initializing';

/** Why there is nothing to act on outside an analysis. */
function noRollout(ctx: Ctx, what: string): Verdict {
  const phase = phaseOf(ctx);
  if (phase === 'Initializing') return refused(`${id(ctx)} is initializing: there is no rollout to ${what} yet`);
  if (phase === 'Terminating' || phase === 'Terminated') return refused(`${id(ctx)} is being deleted`);
  return refused(`no rollout of ${id(ctx)} is running (${phase}): nothing to ${what}`);
}

function waitingWhy(ctx: Ctx): string {
  return ctx.status.gate?.type === 'confirm-rollout' ? 'waiting for confirm-rollout approval' : 'queued for an analysis slot';
}

/** Where the analysis stands, in the words of its strategy. */
function position(ctx: Ctx): string {
  if (ctx.settings.strategy === 'canary') return `weight ${ctx.status.canaryWeight ?? 0}`;
  return `iteration ${ctx.status.iterations ?? 0}/${ctx.settings.iterations}`;
}

function promote(ctx: Ctx, full: boolean): Verdict {
  switch (phaseOf(ctx)) {
    case 'Progressing':
    case 'WaitingPromotion':
      return promoteNow(ctx, full);
    case 'Promoting':
      return full ? promoteInOneStep(ctx) : refused(`${id(ctx)} is already being promoted${ctx.settings.stepWeightPromotion > 0 ? ' (pennant promote --full skips stepWeightPromotion)' : ''}`);
    case 'Finalising':
      return refused(`${id(ctx)} is already promoted: traffic is back on the primary`);
    case 'Waiting':
      return refused(`the analysis of ${id(ctx)} has not started (${waitingWhy(ctx)}): nothing to promote yet`);
    case 'Failed':
      return refused(failedWhy(ctx));
    default:
      return noRollout(ctx, 'promote');
  }
}

function failedWhy(ctx: Ctx): string {
  if ((ctx.status.canaryWeight ?? 0) > 0) return `the promotion of ${id(ctx)} failed and the canary serves all traffic: it resumes once ${ctx.canary.spec.targetRef.name}-primary is ready`;
  return `${id(ctx)} was rolled back: pennant retry analyses the revision again`;
}

/**
 * Skips the remaining steps of the revision being analysed: it goes to the confirm-promotion gate
 * now (still asked: a gate is someone else's decision), then to the promotion. Never a revision
 * the analysis has not seen: a changed target is analysed from the start instead.
 */
function promoteNow(ctx: Ctx, full: boolean): Verdict {
  const target = ctx.canary.spec.targetRef.name;
  if (targetChanged(ctx)) return refused(`${target} changed since its analysis started: the new revision is analysed from the start, nothing is promoted`);
  const { readiness } = ctx.obs.target;
  if (!readiness.ready) return refused(`the canary ${target} is not ready (${readiness.message}): nothing is promoted`);
  const waitedBefore = ctx.status.phase === 'WaitingPromotion';
  const from = position(ctx);
  if (full) ctx.status = { ...ctx.status, fullPromotion: true };
  const outcome = confirmPromotion(ctx);
  if (outcome.kind === 'evaluate') return { kind: 'evaluate', outcome };
  if (ctx.status.phase === 'WaitingPromotion') {
    const gate = ctx.obs.hooks?.['confirm-promotion']?.find((h) => !h.ok)?.name ?? 'confirm-promotion';
    if (waitedBefore) return refused(`confirm-promotion ${gate} is still closed: a promote does not open a gate, approve it there`);
    return doneWith(`remaining steps skipped at ${from}; waiting for confirm-promotion approval by ${gate}`, outcome);
  }
  if (ctx.status.phase === 'Progressing') return doneWith(`remaining steps skipped at ${from}: all traffic on the canary for one interval, then promoted`, outcome);
  return doneWith(`remaining steps skipped at ${from}: promoting${full ? ', traffic back to the primary in one step' : ''}`, outcome);
}

function promoteInOneStep(ctx: Ctx): Verdict {
  if (ctx.settings.stepWeightPromotion <= 0 || ctx.status.fullPromotion) return refused(`${id(ctx)} is already being promoted in one step`);
  ctx.status = { ...ctx.status, fullPromotion: true };
  return doneWith('stepWeightPromotion skipped: traffic goes back to the primary in one step once it is ready', promoting(ctx));
}

/**
 * Rolls back now, as a failed analysis does. What the target holds now is what is aborted: a
 * revision pushed after the abort is analysed as usual.
 */
function abort(ctx: Ctx, request: OperatorRequest): Verdict {
  const phase = phaseOf(ctx);
  switch (phase) {
    case 'Progressing':
    case 'WaitingPromotion':
    case 'Waiting': {
      const { target } = ctx.obs;
      const { gate: _gate, queuedSince: _queued, ...rest } = ctx.status;
      ctx.status = { ...rest, lastAppliedSpec: target.revision, trackedConfigs: target.trackedConfigs ?? {} };
      const reason = `aborted by ${request.by ?? 'an operator'}`;
      return doneWith(phase === 'Waiting' ? `rollout rejected before its analysis: ${reason}` : `rolled back at ${position(ctx)}: ${reason}`, rollback(ctx, reason, 'warn'));
    }
    case 'Promoting':
    case 'Finalising':
      return refused(`the promotion of ${id(ctx)} has started (${ctx.canary.spec.targetRef.name}-primary runs the new revision): too late to abort; deploy the previous revision instead`);
    case 'Failed':
      return refused((ctx.status.canaryWeight ?? 0) > 0
        ? `the promotion of ${id(ctx)} failed and the canary serves all traffic: aborting would send it to a primary that is not ready`
        : `${id(ctx)} is already rolled back`);
    default:
      return noRollout(ctx, 'abort');
  }
}

function pause(ctx: Ctx, request: OperatorRequest): Verdict {
  switch (phaseOf(ctx)) {
    case 'Progressing':
    case 'WaitingPromotion': {
      if (isPaused(ctx.status)) return refused(`${id(ctx)} is already paused (${getCondition(ctx.status, PAUSED)?.message ?? ''})`);
      const message = `paused by ${request.by ?? 'an operator'} at ${position(ctx)}: no checks and no steps until pennant resume`;
      ctx.status = { ...ctx.status, conditions: setCondition(ctx.status.conditions, { type: PAUSED, status: 'True', reason: 'PausedByRequest', message }, ctx.now) };
      return doneWith(`held at ${position(ctx)} until pennant resume`);
    }
    case 'Waiting':
      return refused(`the analysis of ${id(ctx)} has not started (${waitingWhy(ctx)}): nothing to pause`);
    case 'Promoting':
    case 'Finalising':
      return refused(`the promotion of ${id(ctx)} has started: it cannot be paused`);
    default:
      return noRollout(ctx, 'pause');
  }
}

function resume(ctx: Ctx, request: OperatorRequest): Verdict {
  if (!isPaused(ctx.status)) return refused(`${id(ctx)} is not paused`);
  const message = `resumed by ${request.by ?? 'an operator'}`;
  ctx.status = { ...ctx.status, conditions: setCondition(ctx.status.conditions, { type: PAUSED, status: 'False', reason: 'Resumed', message }, ctx.now) };
  return doneWith(`the analysis goes on from ${position(ctx)}`);
}

/**
 * Analyses a Failed revision again, unchanged, as if it had just been pushed (rollbackWindow,
 * skipAnalysis, confirm-rollout and the analysis slots all apply). A rollback not yet written
 * back to Git is not written any more: the revision gets another chance.
 */
function retry(ctx: Ctx): Verdict {
  const target = ctx.canary.spec.targetRef.name;
  const phase = phaseOf(ctx);
  if (phase !== 'Failed') return phase === 'Initializing' || phase === 'Terminating' || phase === 'Terminated' ? noRollout(ctx, 'retry') : refused(`retry analyses a Failed revision again; ${id(ctx)} is ${phase}`);
  if (!ctx.status.lastPromotedSpec) return refused(`${id(ctx)} failed to initialize: it initializes by itself once ${target}-primary is ready`);
  if ((ctx.status.canaryWeight ?? 0) > 0) return refused(failedWhy(ctx));
  if (targetChanged(ctx)) return refused(`${target} has a new revision since the rollback: it is analysed anyway`);
  if (targetIsPromoted(ctx)) return refused(`${target} runs the promoted revision again: nothing to retry`);
  const reverted = revertCommit(ctx);
  if (reverted) return refused(`Git was reverted to the promoted revision (commit ${reverted}) and the next sync brings it back: push the revision again instead`);
  if (ctx.status.pendingWriteBack?.outcome === 'rolledBack') {
    const { pendingWriteBack: _dropped, ...rest } = ctx.status;
    ctx.status = rest;
  }
  const outcome = startRollout(ctx);
  return doneWith(retried(ctx, ctx.obs.target.revision ?? ''), outcome);
}

function retried(ctx: Ctx, revision: string): string {
  if (ctx.status.phase === 'Progressing') return `analysing revision ${revision} again`;
  if (ctx.status.phase === 'Waiting') return `revision ${revision} is analysed again once it may start (${waitingWhy(ctx)})`;
  return `revision ${revision} is promoted without analysis (${ctx.status.skippedAnalysis ?? ctx.status.phase ?? ''})`;
}

/** The commit that reverted Git after the rollback this Failed phase began with, if any. */
function revertCommit(ctx: Ctx): string | undefined {
  const last = ctx.status.lastWriteBack;
  const since = ctx.status.lastTransitionTime;
  if (last?.outcome !== 'rolledBack' || !last.commit || !since) return undefined;
  return Date.parse(last.time) >= Date.parse(since) ? last.commit : undefined;
}
