import { describe, expect, it } from 'vitest';
import { check, type Row } from './expect-decision.js';
import { at, HELD, iso, makeCanary, notReady, progressing, world } from './fixtures.js';

const routes = (canary: number) => ({ primary: 100 - canary, canary, mirror: false });
const promotingStatus = (extra = {}) => progressing({ phase: 'Promoting', canaryWeight: 30, ...extra });
const v2 = { revision: 'v2', replicas: 2, ...HELD };

const rows: Row[] = [
  {
    rule: 'Promoting: a primary that does not run the promoted revision yet gets it (again)',
    canary: makeCanary({}, promotingStatus()),
    obs: world({ routes: routes(30) }, v2, { revision: 'v1' }),
    now: at(10),
    then: { phase: 'Promoting', actions: ['ensureRouting', 'promote'] },
  },
  {
    rule: 'Promoting: a target changed before the promotion reached the primary is analysed afresh',
    canary: makeCanary({}, promotingStatus()),
    obs: world({ routes: routes(30) }, { revision: 'v3', replicas: 2 }, { revision: 'v1' }),
    now: at(10),
    then: { phase: 'Progressing', weight: 0, routes: routes(0), excludes: ['promote'], status: { lastAppliedSpec: 'v3' } },
  },
  {
    rule: 'Promoting: while the primary rolls out, traffic stays and the canary keeps serving',
    canary: makeCanary({}, promotingStatus()),
    obs: world({ routes: routes(30) }, v2, { revision: 'v2', readiness: notReady() }),
    now: at(10),
    then: { phase: 'Promoting', routes: null, scale: null, events: ['WaitingForPrimary'], status: { notReadySince: iso(10) } },
  },
  {
    rule: 'Promoting: a primary not ready past the deadline fails the promotion with all traffic on the canary',
    canary: makeCanary({}, promotingStatus({ notReadySince: iso(0) }), { progressDeadlineSeconds: 60 }),
    obs: world({ routes: routes(30) }, v2, { revision: 'v2', readiness: notReady() }),
    now: at(61),
    then: { phase: 'Failed', weight: 100, routes: routes(100), scale: null, absent: ['pendingWriteBack'], notify: ['error'], events: ['PromotionFailed'] },
  },
  {
    rule: 'Promoting: a failed A/B promotion sends everyone, not only the matching requests, to the canary',
    canary: makeCanary({ stepWeight: undefined, maxWeight: undefined, iterations: 2, match: [{ headers: { x: { exact: 'y' } } }] }, promotingStatus({ notReadySince: iso(0), iterations: 2, canaryWeight: 0 }), { progressDeadlineSeconds: 60 }),
    obs: world({ routes: { primary: 0, canary: 100, mirror: false, matchedOnly: true } }, v2, { revision: 'v2', readiness: notReady() }),
    now: at(61),
    then: { phase: 'Failed', routes: routes(100) },
  },
  {
    rule: 'Promoting: a ready primary takes all traffic back; Finalising',
    canary: makeCanary({}, promotingStatus()),
    obs: world({ routes: routes(30) }, v2, { revision: 'v2' }),
    now: at(10),
    then: { phase: 'Finalising', weight: 0, routes: routes(0), scale: null, status: { lastStepTime: iso(10) } },
  },
  {
    rule: 'Promoting with stepWeightPromotion: traffic goes back to the primary step by step',
    canary: makeCanary({ stepWeightPromotion: 20 }, promotingStatus({ lastStepTime: iso(0) })),
    obs: world({ routes: routes(30) }, v2, { revision: 'v2' }),
    now: at(60),
    then: { phase: 'Promoting', weight: 10, routes: routes(10) },
  },
  {
    rule: 'Promoting with stepWeightPromotion: the last step reaches Finalising',
    canary: makeCanary({ stepWeightPromotion: 20 }, promotingStatus({ canaryWeight: 10, lastStepTime: iso(0) })),
    obs: world({ routes: routes(10) }, v2, { revision: 'v2' }),
    now: at(60),
    then: { phase: 'Finalising', weight: 0, routes: routes(0) },
  },
  {
    rule: 'Finalising: waits one interval for requests to drain',
    canary: makeCanary({}, progressing({ phase: 'Finalising', canaryWeight: 0, lastStepTime: iso(0) })),
    obs: world({}, v2, { revision: 'v2' }),
    now: at(30),
    then: { phase: 'Finalising', scale: null, requeueAfterMs: 30_000 },
  },
  {
    rule: 'Finalising: then the canary goes to zero and the revision is promoted',
    canary: makeCanary({}, progressing({ phase: 'Finalising', canaryWeight: 0, lastStepTime: iso(0), failedChecks: 1 })),
    obs: world({}, v2, { revision: 'v2' }),
    now: at(60),
    then: {
      phase: 'Succeeded', scale: 0, failedChecks: 0, includes: ['runHooks'], notify: ['info'], events: ['Promoted'],
      status: { lastPromotedSpec: 'v2', promotedRevisions: ['v2', 'v1'], pendingWriteBack: expect.objectContaining({ outcome: 'promoted', revision: 'v2', reason: 'analysis passed' }) },
    },
  },
  {
    rule: 'Finalising: a primary that stops being ready keeps the canary up',
    canary: makeCanary({}, progressing({ phase: 'Finalising', canaryWeight: 0, lastStepTime: iso(0) })),
    obs: world({}, v2, { revision: 'v2', readiness: notReady() }),
    now: at(60),
    then: { phase: 'Finalising', scale: null },
  },
  {
    rule: 'a skipped analysis says so when it completes',
    canary: makeCanary({}, progressing({ phase: 'Finalising', lastStepTime: iso(0), skippedAnalysis: 'skipAnalysis' })),
    obs: world({}, { ...v2, replicas: 0 }, { revision: 'v2' }),
    now: at(60),
    then: { phase: 'Succeeded', absent: ['skippedAnalysis'], status: { conditions: expectPromoted('promoted without analysis (skipAnalysis)') } },
  },
  {
    rule: 'after a failed promotion a new revision waits, and the pods serving everyone stay paused, until the primary is ready',
    canary: makeCanary({}, progressing({ phase: 'Failed', canaryWeight: 100 })),
    obs: world({ routes: routes(100) }, { revision: 'v3', replicas: 2, ...HELD }, { revision: 'v2', readiness: notReady() }),
    now: at(60),
    then: { phase: 'Failed', actions: ['ensureRouting', 'event'], events: ['RevisionHeld'], status: { heldRevision: 'v3', lastAppliedSpec: 'v2' } },
  },
  {
    rule: 'after a failed promotion the held revision is told once',
    canary: makeCanary({}, progressing({ phase: 'Failed', canaryWeight: 100, heldRevision: 'v3' })),
    obs: world({ routes: routes(100) }, { revision: 'v3', replicas: 2, ...HELD }, { revision: 'v2', readiness: notReady() }),
    now: at(90),
    then: { phase: 'Failed', actions: ['ensureRouting'] },
  },
  {
    rule: 'after a failed promotion a ready primary resumes it even with a revision held; that revision is analysed after',
    canary: makeCanary({}, progressing({ phase: 'Failed', canaryWeight: 100, heldRevision: 'v3' })),
    obs: world({ routes: routes(100) }, { revision: 'v3', replicas: 2, ...HELD }, { revision: 'v2' }),
    now: at(60),
    then: { phase: 'Finalising', routes: routes(0), excludes: ['promote'], absent: ['heldRevision'], status: { lastAppliedSpec: 'v2' } },
  },
  {
    rule: 'after a failed promotion a ready primary resumes it',
    canary: makeCanary({}, progressing({ phase: 'Failed', canaryWeight: 100 })),
    obs: world({ routes: routes(100) }, v2, { revision: 'v2' }),
    now: at(60),
    then: { phase: 'Finalising', routes: routes(0), events: ['PromotionResumed', 'RoutedToPrimary'] },
  },
];

function expectPromoted(message: string) {
  return expect.arrayContaining([expect.objectContaining({ type: 'Promoted', status: 'True', reason: 'Succeeded', message })]);
}

describe('engine: promotion', () => {
  it.each(rows)('$rule', check);
});
