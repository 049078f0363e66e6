import { describe, expect, it } from 'vitest';
import { check, type Row } from './expect-decision.js';
import { at, hook, initialized, iso, makeCanary, notReady, progressing, world } from './fixtures.js';
import { asked, at20, done, midRun, promotingAt, refused, rolledBack, rolloutGate, gate, tick, v2 } from './request-fixtures.js';

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

describe('requests: promote and abort', () => {
  describe.each([['promote', promoteRows], ['abort', abortRows]])('%s', (_name, rows) => {
    it.each(rows.map((row) => [row.rule, row] as const))('%s', (_rule, row) => check(row));
  });
});
