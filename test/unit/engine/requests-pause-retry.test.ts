import { describe, expect, it } from 'vitest';
import { check, type Row } from './expect-decision.js';
import { REQUEST_ANNOTATION, type Canary } from '../../../src/api/index.js';
import { at, decide, eventsOf, hook, initialized, iso, makeCanary, notReady, world } from './fixtures.js';
import { asked, at20, done, midRun, paused, pausedCondition, promotingAt, refused, rolledBack, rolloutGate, tick, v2 } from './request-fixtures.js';

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
    then: { phase: 'Progressing', weight: 0, failedChecks: 0, scale: 2, events: ['NewRevision', 'RequestDone'], status: { ...done('retry', 'analysing revision v2 again'), lastAppliedSpec: 'v2', lastStepTime: iso(0) } }, // lastStepTime: steps sit on the interval's grid
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

describe('requests: pause, resume and retry', () => {
  describe.each([['pause and resume', pauseRows], ['retry', retryRows]])('%s', (_name, rows) => {
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
