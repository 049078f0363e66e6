import type { Canary, CanaryStatus } from '../api/index.js';
import type { Evaluation, HookEvaluation, Observation } from '../engine/index.js';
import { isConflict } from '../kube/errors.js';
import type { KubeObject } from '../kube/types.js';
import { canaryRef } from './act.js';
import { evaluate, type EvaluatorDeps } from './evaluate.js';
import { AT_MOST_ONCE, decisionKey, type EvaluationMemo, type HooksStarted, idempotencyKey, interruptedHooks } from './side-effects.js';
import type { KubeClient } from '../kube/types.js';

export interface DecisionDeps extends EvaluatorDeps {
  kube: KubeClient;
  memo: EvaluationMemo;
  now: () => Date;
}

/** A status write lost to a concurrent change: nothing was called, decide again. */
export class DecisionConflict extends Error {
  override readonly name = 'DecisionConflict';
}

/**
 * One decision in the making for one Canary: its evaluations are answered at most once (a decision
 * made again after a conflict gets the same answers), and hooks that change the world are recorded
 * in the status before they are called, so not even a killed controller calls them twice.
 */
export class DecisionRun {
  readonly key: string;
  /** The resourceVersion the status write must be based on (moves when the start of hooks is recorded). */
  resourceVersion: string;
  /** Versions of the Canary older than our own writes: a cache still showing one of them is stale. */
  readonly superseded: string[];
  private started: HooksStarted | undefined;

  constructor(private readonly deps: DecisionDeps, private readonly canaryKey: string, private readonly raw: KubeObject, private readonly canary: Canary) {
    this.key = decisionKey(canary);
    this.resourceVersion = raw.metadata.resourceVersion ?? '';
    this.superseded = [this.resourceVersion];
  }

  /** Throws DecisionConflict when the start of a hook cannot be recorded (the Canary moved on). */
  async evaluate(evaluation: Evaluation, obs: Observation, signal: AbortSignal, at?: string): Promise<Observation> {
    const remembered = this.deps.memo.recall(this.canaryKey, this.key, evaluation, obs);
    if (remembered) return remembered;
    const answered = AT_MOST_ONCE.has(evaluation)
      ? await this.callOnce(evaluation as HookEvaluation, obs, signal)
      : await evaluate(this.deps, this.canary, evaluation, obs, signal, (hook) => idempotencyKey(this.key, evaluation, hook.name), at);
    this.deps.memo.remember(this.canaryKey, this.key, evaluation, answered);
    return answered;
  }

  /** The status before this decision, as the server has it now (with the start of hooks, if recorded). */
  statusBefore(): CanaryStatus {
    return { ...(this.canary.status ?? {}), ...(this.started ? { hooksStarted: this.started } : {}) };
  }

  /** Written (or nothing to write): the next decision asks afresh. */
  settled(): void {
    this.deps.memo.forget(this.canaryKey);
  }

  private async callOnce(evaluation: HookEvaluation, obs: Observation, signal: AbortSignal): Promise<Observation> {
    const previous = this.canary.status?.hooksStarted;
    if (previous && previous.decision === this.key && previous.type === evaluation) {
      return { ...obs, hooks: { ...obs.hooks, [evaluation]: interruptedHooks(this.canary, evaluation, previous) } };
    }
    await this.recordStart(evaluation as HooksStarted['type']);
    return evaluate(this.deps, this.canary, evaluation, obs, signal, (hook) => idempotencyKey(this.key, evaluation, hook.name));
  }

  private async recordStart(type: HooksStarted['type']): Promise<void> {
    const started: HooksStarted = { decision: this.key, type, since: this.deps.now().toISOString() };
    try {
      const updated = await this.deps.kube.patchStatus(canaryRef(this.raw as unknown as Canary), { hooksStarted: started }, this.resourceVersion);
      this.resourceVersion = updated.metadata.resourceVersion ?? this.resourceVersion;
      this.superseded.push(this.resourceVersion);
      this.started = started;
    } catch (err) {
      if (isConflict(err)) throw new DecisionConflict(`the Canary changed before ${type} hooks could be called`);
      throw err;
    }
  }
}
