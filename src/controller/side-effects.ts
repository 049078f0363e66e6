import type { Canary, CanaryStatus } from '../api/index.js';
import type { Evaluation, HookEvaluation, HookResult, Observation } from '../engine/index.js';
import { canonicalJson, shortHash } from '../workloads/revision.js';

/**
 * A decision is identified by what it is made from: the Canary (uid, spec generation) and its
 * status. Re-made after a conflict with nothing of that changed, it is the same decision.
 */
export function decisionKey(canary: Pick<Canary, 'metadata' | 'status'>): string {
  const { hooksStarted: _marker, ...status } = canary.status ?? {};
  return shortHash(canonicalJson([canary.metadata.uid ?? '', canary.metadata.generation ?? 0, status]));
}

/** Hooks whose calls change the world (load tests, migrations): called at most once per decision. */
export const AT_MOST_ONCE: ReadonlySet<Evaluation> = new Set<Evaluation>(['pre-rollout', 'rollout']);

type Answer = Pick<Observation, 'metrics' | 'writeBack'> & { hooks?: HookResult[] };

/**
 * What the evaluations of a decision answered, kept while that decision has not been written (a
 * status conflict, a conflict while acting): made again, it gets the same answers and no webhook,
 * Git push or query runs twice. Cleared once the decision is written, so the next one asks afresh.
 */
export class EvaluationMemo {
  private readonly byCanary = new Map<string, { decision: string; answers: Map<Evaluation, Answer> }>();

  recall(canary: string, decision: string, evaluation: Evaluation, obs: Observation): Observation | undefined {
    const entry = this.byCanary.get(canary);
    const answer = entry?.decision === decision ? entry.answers.get(evaluation) : undefined;
    return answer ? withAnswer(obs, evaluation, answer) : undefined;
  }

  remember(canary: string, decision: string, evaluation: Evaluation, obs: Observation): void {
    let entry = this.byCanary.get(canary);
    if (entry?.decision !== decision) {
      entry = { decision, answers: new Map() };
      this.byCanary.set(canary, entry);
    }
    entry.answers.set(evaluation, answerOf(obs, evaluation));
  }

  forget(canary: string): void {
    this.byCanary.delete(canary);
  }
}

function answerOf(obs: Observation, evaluation: Evaluation): Answer {
  if (evaluation === 'metrics') return { ...(obs.metrics ? { metrics: obs.metrics } : {}) };
  if (evaluation === 'writeBack') return { ...(obs.writeBack ? { writeBack: obs.writeBack } : {}) };
  return { hooks: obs.hooks?.[evaluation] ?? [] };
}

function withAnswer(obs: Observation, evaluation: Evaluation, answer: Answer): Observation {
  if (evaluation === 'metrics') return { ...obs, ...(answer.metrics ? { metrics: answer.metrics } : {}) };
  if (evaluation === 'writeBack') return { ...obs, ...(answer.writeBack ? { writeBack: answer.writeBack } : {}) };
  return { ...obs, hooks: { ...obs.hooks, [evaluation]: answer.hooks ?? [] } };
}

export type HooksStarted = NonNullable<CanaryStatus['hooksStarted']>;

/**
 * The controller stopped (killed, or lost its lease) while these hooks ran for this very decision:
 * whether they did their work is unknown, and calling them again could run a load test or a
 * migration twice. They are not called again; the step counts as failed and the next step asks anew.
 */
export function interruptedHooks(canary: Canary, evaluation: HookEvaluation, started: HooksStarted): HookResult[] {
  const first = (canary.spec.analysis.webhooks ?? []).find((h) => (h.type || 'rollout') === evaluation);
  return [{
    name: first?.name ?? evaluation,
    type: evaluation,
    ok: false,
    message: `not called again: the controller stopped while the ${evaluation} hooks ran (since ${started.since}), so whether they did their work is unknown`,
  }];
}

/** The Idempotency-Key a hook call carries: the same for every attempt of one decision's call. */
export const idempotencyKey = (decision: string, evaluation: Evaluation | 'post-rollout', hookName: string): string =>
  `pennant-${shortHash(`${decision}/${evaluation}/${hookName}`)}`;
