import { describe, expect, it } from 'vitest';
import { type Canary, type CanaryStatus, REQUEST_ANNOTATION, type Verb } from '../../../src/api/index.js';
import { check, type Row } from './expect-decision.js';
import { at, decide, eventsOf, HELD, hook, initialized, iso, makeCanary, notReady, progressing, world } from './fixtures.js';

/** A Canary carrying a request of `verb` (id r1, by alice) in its annotation. */
function asked(canary: Canary, verb: Verb, id = 'r1'): Canary {
  const annotations = { [REQUEST_ANNOTATION]: JSON.stringify({ verb, id, at: iso(0), by: 'alice' }) };
  return { ...canary, metadata: { ...canary.metadata, annotations } };
}
const answered = (verb: Verb, outcome: 'done' | 'refused', message: string): Partial<CanaryStatus> =>
  ({ lastRequest: { id: 'r1', verb, by: 'alice', outcome, message: expect.stringContaining(message), time: expect.any(String) } });
const done = (verb: Verb, message: string) => answered(verb, 'done', message);
const refused = (verb: Verb, message: string) => answered(verb, 'refused', message);
const pausedCondition = (status: 'True' | 'False', reason: string) => ({ conditions: expect.arrayContaining([expect.objectContaining({ type: 'Paused', status, reason })]) });
const PAUSED = { type: 'Paused', status: 'True' as const, reason: 'PausedByRequest', message: 'paused by alice at weight 20' };

const v2 = { revision: 'v2', replicas: 2, ...HELD };
const at20 = { primary: 80, canary: 20, mirror: false };
const tick = at(60);
const gate = { name: 'approve', type: 'confirm-promotion' as const, url: 'http://gate/' };
const rolloutGate = { name: 'go', type: 'confirm-rollout' as const, url: 'http://gate/' };
const midRun = (extra: CanaryStatus = {}) => progressing({ canaryWeight: 20, ...extra });
const paused = (extra: CanaryStatus = {}) => midRun({ conditions: [PAUSED], ...extra });
/** Rolled back at revision v2: the target still holds it, the primary runs v1. */
const rolledBack = (extra: CanaryStatus = {}) => progressing({ phase: 'Failed', lastTransitionTime: iso(0), failedChecks: 2, ...extra });
const promotingAt = (weight: number, extra: CanaryStatus = {}) => progressing({ phase: 'Promoting', canaryWeight: weight, ...extra });

const promoteRows: Row[] = [
  {
    rule: 'promote mid-analysis: the remaining steps are skipped, the promotion starts now (no checks)',
    canary: asked(makeCanary({}, midRun()), 'promote'),
    obs: world({ routes: at20 }, v2),
    now: at(10),
    then: { phase: 'Promoting', includes: ['promote'], asked: [], events: ['Promoting', 'RequestDone'], status: done('promote', 'remaining steps skipped at weight 20: promoting') },
  },
  {
    rule: 'promote: the confirm-promotion gate is still asked; closed, the rollout waits there',
    canary: asked(makeCanary({ webhooks: [gate] }, midRun()), 'promote'),
    obs: world({ routes: at20 }, v2),
    now: at(10),
    answers: { hooks: { 'confirm-promotion': [hook('approve', 'confirm-promotion', false)] } },
    then: { phase: 'WaitingPromotion', asked: ['confirm-promotion'], excludes: ['promote'], status: done('promote', 'waiting for confirm-promotion approval by approve') },
  },
  {
    rule: 'promote while WaitingPromotion and the gate still closed: refused, the analysis goes on as before',
    canary: asked(makeCanary({ webhooks: [gate] }, midRun({ phase: 'WaitingPromotion', canaryWeight: 30, gate: { type: 'confirm-promotion', since: iso(0) } })), 'promote'),
    obs: world({ routes: { primary: 70, canary: 30, mirror: false } }, v2),
    now: tick,
    answers: { hooks: { 'confirm-promotion': [hook('approve', 'confirm-promotion', false)] } },
    then: { phase: 'WaitingPromotion', asked: ['confirm-promotion', 'metrics'], excludes: ['promote'], events: ['RequestRefused'], status: { ...refused('promote', 'a promote does not open a gate'), lastStepTime: iso(60) } },
  },
  {
    rule: 'promote while WaitingPromotion with the gate open: promoted at once',
    canary: asked(makeCanary({ webhooks: [gate] }, midRun({ phase: 'WaitingPromotion', canaryWeight: 30, gate: { type: 'confirm-promotion', since: iso(0) } })), 'promote'),
    obs: world({ routes: { primary: 70, canary: 30, mirror: false } }, v2),
    now: at(10),
    then: { phase: 'Promoting', includes: ['promote'], status: done('promote', 'promoting') },
  },
  {
    rule: 'promote never promotes a revision the analysis has not seen: a changed target restarts instead',
    canary: asked(makeCanary({}, midRun()), 'promote'),
    obs: world({ routes: at20 }, { ...v2, revision: 'v3' }),
    now: at(10),
    then: { phase: 'Progressing', weight: 0, excludes: ['promote'], events: ['RequestRefused', 'NewRevision'], status: { ...refused('promote', 'podinfo changed since its analysis started'), lastAppliedSpec: 'v3' } },
  },
  {
    rule: 'promote with the canary not ready: refused',
    canary: asked(makeCanary({}, midRun()), 'promote'),
    obs: world({ routes: at20 }, { ...v2, readiness: notReady() }),
    now: at(10),
    then: { phase: 'Progressing', excludes: ['promote'], status: refused('promote', 'the canary podinfo is not ready') },
  },
  {
    rule: 'promote --full: promoting, and traffic will go back to the primary in one step',
    canary: asked(makeCanary({ stepWeightPromotion: 10 }, midRun()), 'promote-full'),
    obs: world({ routes: at20 }, v2),
    now: at(10),
    then: { phase: 'Promoting', includes: ['promote'], status: { ...done('promote-full', 'in one step'), fullPromotion: true } },
  },
  {
    rule: 'Promoting after promote --full: all traffic to the ready primary at once, despite stepWeightPromotion',
    canary: makeCanary({ stepWeightPromotion: 10 }, promotingAt(20, { fullPromotion: true })),
    obs: world({ routes: at20 }, v2, { revision: 'v2' }),
    now: tick,
    then: { phase: 'Finalising', weight: 0, routes: { primary: 100, canary: 0, mirror: false } },
  },
  {
    rule: 'promote --full while Promoting step by step: the rest of stepWeightPromotion is skipped',
    canary: asked(makeCanary({ stepWeightPromotion: 10 }, promotingAt(10, { lastStepTime: iso(50) })), 'promote-full'),
    obs: world({ routes: { primary: 90, canary: 10, mirror: false } }, v2, { revision: 'v2' }),
    now: tick,
    then: { phase: 'Finalising', weight: 0, routes: { primary: 100, canary: 0, mirror: false }, status: done('promote-full', 'stepWeightPromotion skipped') },
  },
  {
    rule: 'promote while Promoting: refused, nothing to skip',
    canary: asked(makeCanary({}, promotingAt(20)), 'promote'),
    obs: world({ routes: at20 }, v2, { revision: 'v2', readiness: notReady() }),
    now: at(10),
    then: { phase: 'Promoting', status: refused('promote', 'is already being promoted') },
  },
  {
    rule: 'blue/green promote: the iterations are skipped, all traffic on the canary for one interval',
    canary: asked(makeCanary({ stepWeight: undefined, maxWeight: undefined, iterations: 5 }, progressing({ iterations: 1 })), 'promote'),
    obs: world({}, { revision: 'v2', replicas: 2 }),
    now: at(10),
    then: { phase: 'Progressing', weight: 100, routes: { primary: 0, canary: 100, mirror: false }, status: done('promote', 'remaining steps skipped at iteration 1/5: all traffic on the canary') },
  },
  ...(['Initialized', 'Succeeded'] as const).map((phase): Row => ({
    rule: `promote while ${phase}: refused, no rollout runs`,
    canary: asked(makeCanary({}, initialized({ phase })), 'promote'),
    obs: world(),
    now: at(10),
    then: { phase, actions: ['ensureRouting', 'event'], events: ['RequestRefused'], status: refused('promote', `no rollout of podinfo.test is running (${phase}): nothing to promote`) },
  })),
  {
    rule: 'promote while Waiting for confirm-rollout: refused, the analysis has not started',
    canary: asked(makeCanary({ webhooks: [rolloutGate] }, initialized({ phase: 'Waiting', gate: { type: 'confirm-rollout', since: iso(0) } })), 'promote'),
    obs: world({}, { revision: 'v2', replicas: 0 }),
    now: at(10),
    answers: { hooks: { 'confirm-rollout': [hook('go', 'confirm-rollout', false)] } },
    then: { phase: 'Waiting', excludes: ['promote'], status: refused('promote', 'has not started (waiting for confirm-rollout approval)') },
  },
  {
    rule: 'promote after a rollback: refused, with the way to analyse it again',
    canary: asked(makeCanary({}, rolledBack()), 'promote'),
    obs: world({}, { revision: 'v2', replicas: 0 }),
    now: at(10),
    then: { phase: 'Failed', status: refused('promote', 'pennant retry analyses the revision again') },
  },
  {
    rule: 'promote while Initializing: refused',
    canary: asked(makeCanary({}, { phase: 'Initializing' }), 'promote'),
    obs: world({}, {}, { readiness: notReady() }),
    now: at(10),
    then: { phase: 'Initializing', status: refused('promote', 'is initializing') },
  },
];

const abortRows: Row[] = [
  {
    rule: 'abort mid-analysis: rolled back as a failed analysis is, "aborted by" who asked',
    canary: asked(makeCanary({}, midRun()), 'abort'),
    obs: world({ routes: at20 }, v2),
    now: at(10),
    then: {
      phase: 'Failed', weight: 0, routes: { primary: 100, canary: 0, mirror: false }, scale: 0, asked: [], includes: ['runHooks'], notify: ['warn'],
      events: ['RolledBack', 'RequestDone'],
      status: { ...done('abort', 'rolled back at weight 20: aborted by alice'), pendingWriteBack: expect.objectContaining({ outcome: 'rolledBack', reason: 'aborted by alice' }) },
    },
  },
  {
    rule: 'abort while Waiting for confirm-rollout: the rollout is rejected',
    canary: asked(makeCanary({ webhooks: [rolloutGate] }, initialized({ phase: 'Waiting', gate: { type: 'confirm-rollout', since: iso(0) } })), 'abort'),
    obs: world({}, { revision: 'v2', replicas: 0 }),
    now: at(10),
    then: { phase: 'Failed', asked: [], absent: ['gate'], status: { ...done('abort', 'rollout rejected before its analysis'), lastAppliedSpec: 'v2' } },
  },
  {
    rule: 'abort with a newer revision pushed meanwhile: what the target holds is aborted too',
    canary: asked(makeCanary({}, midRun()), 'abort'),
    obs: world({ routes: at20 }, { ...v2, revision: 'v3' }),
    now: at(10),
    then: { phase: 'Failed', routes: { primary: 100, canary: 0, mirror: false }, status: { lastAppliedSpec: 'v3' } },
  },
  ...(['Promoting', 'Finalising'] as const).map((phase): Row => ({
    rule: `abort while ${phase}: refused, the primary already runs the new revision`,
    canary: asked(makeCanary({}, promotingAt(20, { phase, lastStepTime: iso(50) })), 'abort'),
    obs: world({ routes: at20 }, v2, { revision: 'v2', readiness: notReady() }),
    now: at(10),
    then: { phase, excludes: ['runHooks'], status: refused('abort', 'too late to abort') },
  })),
  {
    rule: 'abort after a failed promotion: refused, the primary cannot serve',
    canary: asked(makeCanary({}, rolledBack({ canaryWeight: 100 })), 'abort'),
    obs: world({ routes: { primary: 0, canary: 100, mirror: false } }, v2, { revision: 'v2', readiness: notReady() }),
    now: at(10),
    then: { phase: 'Failed', routes: null, status: refused('abort', 'a primary that is not ready') },
  },
  {
    rule: 'abort after a rollback: refused',
    canary: asked(makeCanary({}, rolledBack()), 'abort'),
    obs: world({}, { revision: 'v2', replicas: 0 }),
    now: at(10),
    then: { phase: 'Failed', status: refused('abort', 'is already rolled back') },
  },
];

const pauseRows: Row[] = [
  {
    rule: 'pause mid-analysis: Paused, the weight holds and no check runs, though a step is due',
    canary: asked(makeCanary({}, midRun()), 'pause'),
    obs: world({ routes: at20 }, v2),
    now: tick,
    then: { phase: 'Progressing', weight: 20, asked: [], routes: null, requeueAfterMs: null, events: ['RequestDone'], status: { ...done('pause', 'held at weight 20'), ...pausedCondition('True', 'PausedByRequest'), lastStepTime: iso(0) } },
  },
  ...[120, 600].map((seconds): Row => ({
    rule: `paused: ${seconds / 60} intervals later still no checks, no steps`,
    canary: makeCanary({}, paused()),
    obs: world({ routes: at20 }, v2),
    now: at(seconds),
    then: { phase: 'Progressing', weight: 20, asked: [], actions: ['ensureRouting'], requeueAfterMs: null },
  })),
  {
    rule: 'paused: a canary that stops being ready is still rolled back at the progress deadline',
    canary: makeCanary({}, paused({ notReadySince: iso(0) }), { progressDeadlineSeconds: 60 }),
    obs: world({ routes: at20 }, { ...v2, readiness: notReady() }),
    now: at(61),
    then: { phase: 'Failed', routes: { primary: 100, canary: 0, mirror: false }, status: pausedCondition('False', 'RolloutEnded') },
  },
  {
    rule: 'paused: a new revision restarts the analysis at 0, still paused',
    canary: makeCanary({}, paused()),
    obs: world({ routes: at20 }, { ...v2, revision: 'v3' }),
    now: tick,
    then: { phase: 'Progressing', weight: 0, routes: { primary: 100, canary: 0, mirror: false }, status: { lastAppliedSpec: 'v3', ...pausedCondition('True', 'PausedByRequest') } },
  },
  {
    rule: 'paused: skipAnalysis set meanwhile waits for the resume too',
    canary: makeCanary({}, paused(), { skipAnalysis: true }),
    obs: world({ routes: at20 }, v2),
    now: tick,
    then: { phase: 'Progressing', excludes: ['promote'] },
  },
  {
    rule: 'pause while paused: refused',
    canary: asked(makeCanary({}, paused()), 'pause'),
    obs: world({ routes: at20 }, v2),
    now: at(10),
    then: { status: refused('pause', 'is already paused (paused by alice at weight 20)') },
  },
  {
    rule: 'pause while Promoting: refused',
    canary: asked(makeCanary({}, promotingAt(20)), 'pause'),
    obs: world({ routes: at20 }, v2, { revision: 'v2', readiness: notReady() }),
    now: at(10),
    then: { phase: 'Promoting', status: { ...refused('pause', 'it cannot be paused'), conditions: [expect.objectContaining({ type: 'Ready' })] } },
  },
  {
    rule: 'pause while Initialized: refused',
    canary: asked(makeCanary({}, initialized()), 'pause'),
    obs: world(),
    now: at(10),
    then: { phase: 'Initialized', status: refused('pause', 'nothing to pause') },
  },
  {
    rule: 'resume: Paused goes False and the due step runs at once',
    canary: asked(makeCanary({}, paused()), 'resume'),
    obs: world({ routes: at20 }, v2),
    now: at(600),
    then: { phase: 'Progressing', weight: 30, asked: ['metrics'], status: { ...done('resume', 'the analysis goes on from weight 20'), ...pausedCondition('False', 'Resumed') } },
  },
  {
    rule: 'resume when not paused: refused',
    canary: asked(makeCanary({}, midRun()), 'resume'),
    obs: world({ routes: at20 }, v2),
    now: at(10),
    then: { status: refused('resume', 'is not paused') },
  },
  {
    rule: 'abort while paused: rolled back, and the pause ends with the rollout',
    canary: asked(makeCanary({}, paused()), 'abort'),
    obs: world({ routes: at20 }, v2),
    now: at(10),
    then: { phase: 'Failed', status: { ...done('abort', 'aborted by alice'), ...pausedCondition('False', 'RolloutEnded') } },
  },
];

const retryRows: Row[] = [
  {
    rule: 'retry after a rollback: the same revision is analysed again from the start',
    canary: asked(makeCanary({}, rolledBack()), 'retry'),
    obs: world({}, { revision: 'v2', replicas: 0 }),
    now: at(10),
    then: { phase: 'Progressing', weight: 0, failedChecks: 0, scale: 2, events: ['NewRevision', 'RequestDone'], status: { ...done('retry', 'analysing revision v2 again'), lastAppliedSpec: 'v2', lastStepTime: iso(10) } },
  },
  {
    rule: 'retry withdraws a revert not yet written to Git',
    canary: asked(makeCanary({}, rolledBack({ pendingWriteBack: { outcome: 'rolledBack', reason: 'x', revision: 'v1', since: iso(0), attempts: 1, lastError: 'push rejected', nextAttempt: iso(5) } })), 'retry'),
    obs: world({}, { revision: 'v2', replicas: 0 }),
    now: at(10),
    then: { phase: 'Progressing', asked: [], absent: ['pendingWriteBack'] },
  },
  {
    rule: 'retry when Git was already reverted: refused, the next sync brings the promoted revision back',
    canary: asked(makeCanary({}, rolledBack({ lastWriteBack: { outcome: 'rolledBack', time: iso(2), message: 'reverted', commit: 'abc123' } })), 'retry'),
    obs: world({}, { revision: 'v2', replicas: 0 }),
    now: at(10),
    then: { phase: 'Failed', status: refused('retry', 'Git was reverted to the promoted revision (commit abc123)') },
  },
  {
    rule: 'retry with confirm-rollout closed: Waiting, as a new revision would',
    canary: asked(makeCanary({ webhooks: [rolloutGate] }, rolledBack()), 'retry'),
    obs: world({}, { revision: 'v2', replicas: 0 }),
    now: at(10),
    answers: { hooks: { 'confirm-rollout': [hook('go', 'confirm-rollout', false)] } },
    then: { phase: 'Waiting', asked: ['confirm-rollout'], status: done('retry', 'analysed again once it may start (waiting for confirm-rollout approval)') },
  },
  {
    rule: 'retry with no free analysis slot: queued',
    canary: asked(makeCanary({}, rolledBack()), 'retry'),
    obs: world({ analysisSlot: false }, { revision: 'v2', replicas: 0 }),
    now: at(10),
    then: { phase: 'Waiting', status: done('retry', 'queued for an analysis slot') },
  },
  {
    rule: 'retry with a newer revision pushed: refused, the new one is analysed anyway',
    canary: asked(makeCanary({}, rolledBack()), 'retry'),
    obs: world({}, { revision: 'v3', replicas: 0 }),
    now: at(10),
    then: { phase: 'Progressing', status: { ...refused('retry', 'podinfo has a new revision since the rollback'), lastAppliedSpec: 'v3' } },
  },
  {
    rule: 'retry when the target is back at the promoted revision: refused',
    canary: asked(makeCanary({}, rolledBack({ lastAppliedSpec: 'v1' })), 'retry'),
    obs: world({}, { revision: 'v1', replicas: 0 }),
    now: at(10),
    then: { phase: 'Failed', status: refused('retry', 'runs the promoted revision again') },
  },
  {
    rule: 'retry after a failed initialization: refused, it initializes by itself',
    canary: asked(makeCanary({}, { phase: 'Failed', notReadySince: iso(0) }), 'retry'),
    obs: world({}, {}, { readiness: notReady() }),
    now: at(700),
    then: { phase: 'Failed', status: refused('retry', 'failed to initialize') },
  },
  ...(['Progressing', 'Succeeded'] as const).map((phase): Row => ({
    rule: `retry while ${phase}: refused`,
    canary: asked(makeCanary({}, phase === 'Progressing' ? midRun() : initialized({ phase })), 'retry'),
    obs: world({ routes: phase === 'Progressing' ? at20 : null }, phase === 'Progressing' ? v2 : {}),
    now: at(10),
    then: { phase, status: refused('retry', `retry analyses a Failed revision again; podinfo.test is ${phase}`) },
  })),
];

describe('requests (pennant promote, abort, pause, resume, retry)', () => {
  describe.each([['promote', promoteRows], ['abort', abortRows], ['pause and resume', pauseRows], ['retry', retryRows]])('%s', (_name, rows) => {
    it.each(rows.map((row) => [row.rule, row] as const))('%s', (_rule, row) => check(row));
  });
});

describe('acknowledging requests', () => {
  it('a request already answered (its id in status.lastRequest) is not acted on again', () => {
    const answered = midRun({ lastRequest: { id: 'r1', verb: 'abort', outcome: 'done', message: 'rolled back', time: iso(0) } });
    const result = decide(asked(makeCanary({}, answered), 'abort'), world({ routes: at20 }, v2), at(10));
    expect(result.status.phase).toBe('Progressing');
    expect(eventsOf(result.actions)).toEqual([]);
  });

  it('a new id is a new request', () => {
    const answered = midRun({ lastRequest: { id: 'r0', verb: 'pause', outcome: 'done', message: 'held', time: iso(0) } });
    expect(decide(asked(makeCanary({}, answered), 'abort', 'r2'), world({ routes: at20 }, v2), at(10)).status.phase).toBe('Failed');
  });

  it('an annotation that cannot be read is refused once, with what is wrong', () => {
    const canary = makeCanary({}, midRun());
    const bad = { ...canary, metadata: { ...canary.metadata, annotations: { [REQUEST_ANNOTATION]: '{"verb":"rollback","id":"x","at":"now"}' } } };
    const first = decide(bad, world({ routes: at20 }, v2), at(10));
    expect(first.status.lastRequest).toMatchObject({ id: 'unreadable', outcome: 'refused', message: expect.stringContaining('pennant.dev/request: verb:') });
    expect(eventsOf(first.actions)).toEqual(['RequestRefused']);
    const again = decide({ ...bad, status: first.status }, world({ routes: at20 }, v2), at(20));
    expect(eventsOf(again.actions)).toEqual([]);
  });

  it.each<[string, Partial<Canary['spec']>, Parameters<typeof world>[0], string]>([
    ['suspended', { suspend: true }, {}, 'is suspended (spec.suspend)'],
    ['being deleted', {}, { deleting: true }, 'is being deleted'],
    ['invalid', {}, { invalid: 'spec.analysis.interval: required' }, 'the Canary cannot be acted on: spec.analysis.interval: required'],
  ])('a Canary that is %s refuses every request', (_name, spec, obs, message) => {
    const result = decide(asked(makeCanary({}, midRun(), spec), 'promote'), world({ routes: at20, ...obs }, v2), at(10));
    expect(result.status.lastRequest).toMatchObject({ id: 'r1', outcome: 'refused', message: expect.stringContaining(message) });
    expect(eventsOf(result.actions)).toContain('RequestRefused');
    expect(result.actions.map((a) => a.kind)).not.toContain('promote');
  });
});
