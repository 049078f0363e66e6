import type { Canary, CanarySpec, CanaryStatus } from '../../../src/api/index.js';
import { advance } from '../../../src/engine/index.js';
import type {
  Action, CheckResult, Evaluation, HookEvaluation, HookResult, Observation, Readiness, RouterCapabilities, Routes, WorkloadObservation, WriteBackResult,
} from '../../../src/engine/index.js';

export const T0 = new Date('2026-01-01T00:00:00Z');
export const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);
export const iso = (seconds: number): string => at(seconds).toISOString();

export const READY: Readiness = { ready: true };
/** A target Pennant has paused because users are served by it. */
export const HELD = { paused: true, pausedByPennant: true } as const;
export const notReady = (deadlineExceeded = false): Readiness => ({ ready: false, message: '0 of 1 updated replicas are available', deadlineExceeded });

export const WEIGHTED: RouterCapabilities = { provider: 'weighted', weights: true, match: true, mirror: true, mirrorWeight: true, sessionAffinity: true };
export const SWITCH_ONLY: RouterCapabilities = { provider: 'switch-only', weights: false, match: false, mirror: false, mirrorWeight: false, sessionAffinity: false };

export type Analysis = CanarySpec['analysis'];

export function makeCanary(analysis: Partial<Analysis> = {}, status: CanaryStatus = {}, spec: Partial<CanarySpec> = {}): Canary {
  return {
    apiVersion: 'pennant.dev/v1beta1',
    kind: 'Canary',
    metadata: { name: 'podinfo', namespace: 'test', generation: 1 },
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
      service: { port: 9898 },
      ...spec,
      analysis: { interval: '1m', threshold: 2, maxWeight: 30, stepWeight: 10, metrics: [{ name: 'request-success-rate', thresholdRange: { min: 99 } }], ...analysis },
    },
    status,
  };
}

/** Status of a Canary that was initialised at revision "v1". */
export const initialized = (extra: CanaryStatus = {}): CanaryStatus => ({
  phase: 'Initialized',
  lastAppliedSpec: 'v1',
  lastPromotedSpec: 'v1',
  promotedRevisions: ['v1'],
  trackedConfigs: {},
  canaryWeight: 0,
  failedChecks: 0,
  iterations: 0,
  ...extra,
});

/** Status in the middle of analysing revision "v2". */
export const progressing = (extra: CanaryStatus = {}): CanaryStatus =>
  initialized({ phase: 'Progressing', lastAppliedSpec: 'v2', lastStepTime: iso(0), ...extra });

export function workload(extra: Partial<WorkloadObservation> = {}): WorkloadObservation {
  return { exists: true, revision: 'v1', trackedConfigs: {}, replicas: 1, readiness: READY, ...extra };
}

export function world(extra: Partial<Observation> = {}, target: Partial<WorkloadObservation> = {}, primary: Partial<WorkloadObservation> = {}): Observation {
  return {
    target: workload(target),
    primary: workload(primary),
    routes: { primary: 100, canary: 0, mirror: false },
    router: WEIGHTED,
    canaryReplicasWhenUp: 2,
    analysisSlot: true,
    ...extra,
  };
}

export interface Answers {
  metrics?: CheckResult[];
  hooks?: Partial<Record<HookEvaluation, HookResult[]>>;
  writeBack?: WriteBackResult;
}

export const pass = (name = 'request-success-rate', value = 99.9): CheckResult => ({ name, verdict: 'pass', value, min: 99 });
export const fail = (name = 'request-success-rate', value = 42): CheckResult => ({ name, verdict: 'fail', value, min: 99, message: `${name} ${value} < 99` });
export const hook = (name: string, type: HookResult['type'], ok: boolean): HookResult => ({ name, type, ok, ...(ok ? {} : { message: 'closed' }) });

/** Runs advance like the controller does: answering every evaluation it asks for. */
export function decide(canary: Canary, obs: Observation, now: Date, answers: Answers = {}) {
  const asked: Evaluation[] = [];
  let current: Observation = obs;
  for (let i = 0; i < 10; i++) {
    const result = advance(canary, current, now);
    if (result.kind === 'decision') return { ...result, asked };
    asked.push(result.evaluation);
    current = answer(canary, current, result.evaluation, answers);
  }
  throw new Error(`advance kept asking: ${asked.join(', ')}`);
}

function answer(canary: Canary, obs: Observation, evaluation: Evaluation, answers: Answers): Observation {
  if (evaluation === 'metrics') {
    const metrics = answers.metrics ?? (canary.spec.analysis.metrics ?? []).map((m) => pass(m.name));
    return { ...obs, metrics };
  }
  if (evaluation === 'writeBack') return { ...obs, writeBack: answers.writeBack ?? { ok: true, message: 'committed', commit: 'c0ffee' } };
  const configured = (canary.spec.analysis.webhooks ?? []).filter((h) => (h.type || 'rollout') === evaluation);
  const results = answers.hooks?.[evaluation] ?? configured.map((h) => hook(h.name, evaluation, evaluation !== 'rollback'));
  return { ...obs, hooks: { ...obs.hooks, [evaluation]: results } };
}

export const kinds = (actions: Action[]): string[] => actions.map((a) => a.kind);
export const routesOf = (actions: Action[]): Routes | undefined => {
  const set = actions.filter((a): a is Extract<Action, { kind: 'setRoutes' }> => a.kind === 'setRoutes');
  return set[set.length - 1]?.routes;
};
export const scaleOf = (actions: Action[]): number | undefined =>
  actions.find((a): a is Extract<Action, { kind: 'scale' }> => a.kind === 'scale')?.replicas;
export const eventsOf = (actions: Action[]): string[] =>
  actions.filter((a): a is Extract<Action, { kind: 'event' }> => a.kind === 'event').map((a) => a.reason);
export const notifications = (actions: Action[]) =>
  actions.filter((a): a is Extract<Action, { kind: 'notify' }> => a.kind === 'notify');
