import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../../src/engine/index.js';
import { check, type Row } from './expect-decision.js';
import { advance } from '../../../src/engine/index.js';
import { at, fail, HELD, hook, initialized, iso, makeCanary, notReady, pass, progressing, world } from './fixtures.js';

const v2 = { revision: 'v2', replicas: 2 };
const tick = at(60);
const noData: CheckResult = { name: 'request-success-rate', verdict: 'noData', value: null, min: 99, message: 'no values found' };
const queryError: CheckResult = { name: 'request-success-rate', verdict: 'error', value: null, min: 99, message: 'prometheus: connection refused' };
const loadTest = { name: 'load-test', url: 'http://loadtester/' };
const smoke = { name: 'smoke', type: 'pre-rollout' as const, url: 'http://loadtester/' };
const rollbackHook = { name: 'abort', type: 'rollback' as const, url: 'http://gate/' };
const midRun = progressing({ canaryWeight: 10 });
const at10 = { primary: 90, canary: 10, mirror: false };

const rows: Row[] = [
  {
    rule: 'before the interval has passed nothing is evaluated',
    canary: makeCanary({}, midRun),
    obs: world({ routes: at10 }, { ...v2, ...HELD }),
    now: at(30),
    then: { phase: 'Progressing', asked: [], actions: ['ensureRouting'], requeueAfterMs: 30_000 },
  },
  {
    rule: 'first step: pre-rollout hooks, no metrics, then the first weight',
    canary: makeCanary({ webhooks: [smoke] }, progressing()),
    obs: world({}, v2),
    now: tick,
    then: { asked: ['pre-rollout'], weight: 10, routes: at10, events: ['AnalysisStarted', 'Advance'], status: { lastStepTime: iso(60) } },
  },
  {
    rule: 'first step: a failing pre-rollout hook is a failed check, weight stays 0',
    canary: makeCanary({ webhooks: [smoke], threshold: 3 }, progressing()),
    obs: world({}, v2),
    now: tick,
    answers: { hooks: { 'pre-rollout': [hook('smoke', 'pre-rollout', false)] } },
    then: { phase: 'Progressing', weight: 0, failedChecks: 1, routes: null, events: ['CheckFailed'] },
  },
  {
    rule: 'passing metrics: the weight goes up one step',
    canary: makeCanary({}, midRun),
    obs: world({ routes: at10 }, v2),
    now: tick,
    then: { asked: ['metrics'], weight: 20, routes: { primary: 80, canary: 20, mirror: false } },
  },
  {
    rule: 'each check value, threshold and verdict are kept in status',
    canary: makeCanary({}, midRun),
    obs: world({ routes: at10 }, v2),
    now: tick,
    answers: { metrics: [pass('request-success-rate', 99.5)] },
    then: { status: { checks: [{ name: 'request-success-rate', kind: 'metric', verdict: 'pass', value: 99.5, min: 99, time: iso(60) }] } },
  },
  {
    rule: 'a failing metric is a failed check: weight and routes stay',
    canary: makeCanary({ threshold: 3 }, midRun),
    obs: world({ routes: at10 }, v2),
    now: tick,
    answers: { metrics: [fail()] },
    then: { phase: 'Progressing', weight: 10, failedChecks: 1, routes: null, events: ['CheckFailed'] },
  },
  {
    rule: 'no data is a failed check (never promote on missing data)',
    canary: makeCanary({ threshold: 3 }, midRun),
    obs: world({ routes: at10 }, v2),
    now: tick,
    answers: { metrics: [noData] },
    then: { weight: 10, failedChecks: 1, status: { checks: [{ name: 'request-success-rate', kind: 'metric', verdict: 'noData', value: null, min: 99, message: 'no values found', time: iso(60) }] } },
  },
  {
    rule: 'a query error is a failed check',
    canary: makeCanary({ threshold: 3 }, midRun),
    obs: world({ routes: at10 }, v2),
    now: tick,
    answers: { metrics: [queryError] },
    then: { weight: 10, failedChecks: 1 },
  },
  {
    rule: 'several failing metrics in one step count once',
    canary: makeCanary({ threshold: 3, metrics: [{ name: 'request-success-rate' }, { name: 'request-duration' }] }, midRun),
    obs: world({ routes: at10 }, v2),
    now: tick,
    answers: { metrics: [fail(), fail('request-duration', 900)] },
    then: { failedChecks: 1, events: ['CheckFailed', 'CheckFailed'] },
  },
  {
    rule: 'a passing step does not reset failedChecks (as Flagger)',
    canary: makeCanary({ threshold: 3 }, progressing({ canaryWeight: 10, failedChecks: 2 })),
    obs: world({ routes: at10 }, v2),
    now: tick,
    then: { weight: 20, failedChecks: 2 },
  },
  {
    rule: 'the threshold-th failed check rolls back in the same step',
    canary: makeCanary({ threshold: 2 }, progressing({ canaryWeight: 10, failedChecks: 1 })),
    obs: world({ routes: at10 }, v2),
    now: tick,
    answers: { metrics: [fail()] },
    then: {
      phase: 'Failed', failedChecks: 2, weight: 0, routes: { primary: 100, canary: 0, mirror: false }, scale: 0,
      includes: ['runHooks'], notify: ['error'], events: ['CheckFailed', 'RolledBack'], status: { pendingWriteBack: expect.objectContaining({ outcome: 'rolledBack', revision: 'v1', attempts: 0 }) },
    },
  },
  {
    rule: 'a lowered threshold already reached rolls back before evaluating',
    canary: makeCanary({ threshold: 1 }, progressing({ canaryWeight: 10, failedChecks: 1 })),
    obs: world({ routes: at10 }, v2),
    now: tick,
    then: { phase: 'Failed', asked: [] },
  },
  {
    rule: 'a failing rollout hook is a failed check and metrics are not queried',
    canary: makeCanary({ threshold: 3, webhooks: [loadTest] }, midRun),
    obs: world({ routes: at10 }, v2),
    now: tick,
    answers: { hooks: { rollout: [hook('load-test', 'rollout', false)] } },
    then: { failedChecks: 1, asked: ['rollout'] },
  },
  {
    rule: 'a rollback webhook that answers yes rolls back',
    canary: makeCanary({ webhooks: [rollbackHook] }, midRun),
    obs: world({ routes: at10 }, v2),
    now: tick,
    answers: { hooks: { rollback: [hook('abort', 'rollback', true)] } },
    then: { phase: 'Failed', asked: ['rollback'], notify: ['warn'], routes: { primary: 100, canary: 0, mirror: false } },
  },
  {
    rule: 'a rollback webhook that answers no lets the analysis go on',
    canary: makeCanary({ webhooks: [rollbackHook] }, midRun),
    obs: world({ routes: at10 }, v2),
    now: tick,
    then: { phase: 'Progressing', weight: 20, asked: ['rollback', 'metrics'] },
  },
  {
    rule: 'a new revision mid-analysis restarts it: routes back, verdicts dropped',
    canary: makeCanary({}, progressing({ canaryWeight: 20, failedChecks: 1, checks: [{ name: 'x', kind: 'metric', verdict: 'fail', time: iso(0) }] })),
    obs: world({ routes: { primary: 80, canary: 20, mirror: false } }, { revision: 'v3', replicas: 2 }),
    now: at(30),
    // The restarted run's steps stay on the interval's grid: the first comes at the next point of it.
    then: { phase: 'Progressing', weight: 0, failedChecks: 0, routes: { primary: 100, canary: 0, mirror: false }, asked: [], events: ['NewRevision'], status: { lastAppliedSpec: 'v3', checks: [], lastStepTime: iso(0) } },
  },
  {
    rule: 'the target going back to the promoted revision mid-analysis abandons it',
    canary: makeCanary({}, midRun),
    obs: world({ routes: at10 }, { revision: 'v1', replicas: 2 }),
    now: at(30),
    then: { phase: 'Succeeded', routes: { primary: 100, canary: 0, mirror: false }, scale: 0, absent: ['pendingWriteBack'] },
  },
  {
    rule: 'a canary that is not ready holds the analysis, with one event',
    canary: makeCanary({}, midRun),
    obs: world({ routes: at10 }, { ...v2, readiness: notReady() }),
    now: tick,
    then: { phase: 'Progressing', asked: [], events: ['NotReady'], status: { notReadySince: iso(60) }, requeueAfterMs: 5000 },
  },
  {
    rule: 'a canary not ready past progressDeadlineSeconds rolls back',
    canary: makeCanary({}, progressing({ canaryWeight: 10, notReadySince: iso(0) }), { progressDeadlineSeconds: 60 }),
    obs: world({ routes: at10 }, { ...v2, readiness: notReady() }),
    now: at(61),
    then: { phase: 'Failed', routes: { primary: 100, canary: 0, mirror: false }, status: { pendingWriteBack: expect.objectContaining({ outcome: 'rolledBack', revision: 'v1', attempts: 0 }) } },
  },
  {
    rule: "the Deployment's own ProgressDeadlineExceeded rolls back at once",
    canary: makeCanary({}, midRun),
    obs: world({ routes: at10 }, { ...v2, readiness: notReady(true) }),
    now: at(10),
    then: { phase: 'Failed' },
  },
  {
    rule: 'a target scaled to zero mid-analysis is scaled back up',
    canary: makeCanary({}, midRun),
    obs: world({ routes: at10 }, { ...v2, replicas: 0, readiness: notReady() }),
    now: at(10),
    then: { scale: 2, phase: 'Progressing' },
  },
  {
    rule: 'skipAnalysis turned on mid-run promotes',
    canary: makeCanary({}, midRun, { skipAnalysis: true }),
    obs: world({ routes: at10 }, v2),
    now: at(10),
    then: { phase: 'Promoting', includes: ['promote'], routes: { primary: 100, canary: 0, mirror: false } },
  },
];

describe('engine: analysis steps', () => {
  it.each(rows)('$rule', check);
});

describe('engine: steps on the interval\'s grid', () => {
  it.each([
    [75, 60],
    [60, 60],
    [119.999, 60],
  ])('a step decided at %ss (interval 1m) is the step of %ss, and its metrics are evaluated at that time', (now, step) => {
    const canary = makeCanary({}, progressing({ canaryWeight: 10, lastStepTime: iso(0) }));
    let obs = world({ routes: at10 }, { ...v2, paused: true, pausedByPennant: true });
    let asked = advance(canary, obs, at(now));
    while (asked.kind === 'evaluate' && asked.evaluation !== 'metrics') {
      obs = { ...obs, hooks: { ...obs.hooks, [asked.evaluation]: [] } };
      asked = advance(canary, obs, at(now));
    }
    expect(asked).toEqual({ kind: 'evaluate', evaluation: 'metrics', at: iso(step) });
    const decided = advance(canary, { ...obs, metrics: [pass()] }, at(now));
    expect(decided.kind === 'decision' && decided.status.lastStepTime).toBe(iso(step));
  });

  it('two Canaries with the same interval step at the same instants whenever their runs started', () => {
    const steps = [7, 41].map((started) => {
      const begun = advance(makeCanary({}, initialized()), world({}, { revision: 'v2', replicas: 0 }), at(started));
      return begun.kind === 'decision' ? begun.status.lastStepTime : undefined;
    });
    expect(steps).toEqual([iso(0), iso(0)]);
  });
});
