import { describe, expect, it } from 'vitest';
import { check, type Row } from './expect-decision.js';
import { at, hook, iso, makeCanary, progressing, SWITCH_ONLY, world } from './fixtures.js';

const v2 = { revision: 'v2', replicas: 2 };
const tick = at(60);
const routes = (canary: number, mirror = false) => ({ primary: 100 - canary, canary, mirror });
const confirmPromotion = { name: 'approve', type: 'confirm-promotion' as const, url: 'http://gate/' };
const confirmIncrease = { name: 'step', type: 'confirm-traffic-increase' as const, url: 'http://gate/' };
const matched = { primary: 0, canary: 100, mirror: false, matchedOnly: true };
const abMatch = [{ headers: { 'x-canary': { exact: 'insider' } } }];

const rows: Row[] = [
  {
    rule: 'stepWeight never overshoots maxWeight (Flagger would go 20→40→60 with max 50)',
    canary: makeCanary({ stepWeight: 20, maxWeight: 50 }, progressing({ canaryWeight: 40 })),
    obs: world({ routes: routes(40) }, v2),
    now: tick,
    then: { weight: 50, routes: routes(50) },
  },
  {
    rule: 'at maxWeight a passing step promotes',
    canary: makeCanary({}, progressing({ canaryWeight: 30 })),
    obs: world({ routes: routes(30) }, v2),
    now: tick,
    then: { phase: 'Promoting', includes: ['promote'], events: ['Promoting'] },
  },
  {
    rule: 'stepWeights: the next entry',
    canary: makeCanary({ stepWeight: undefined, maxWeight: undefined, stepWeights: [1, 5, 25, 50] }, progressing({ canaryWeight: 5 })),
    obs: world({ routes: routes(5) }, v2),
    now: tick,
    then: { weight: 25 },
  },
  {
    rule: 'stepWeights: the last entry is the maximum',
    canary: makeCanary({ stepWeight: undefined, maxWeight: undefined, stepWeights: [1, 5, 25, 50] }, progressing({ canaryWeight: 50 })),
    obs: world({ routes: routes(50) }, v2),
    now: tick,
    then: { phase: 'Promoting' },
  },
  {
    rule: 'confirm-traffic-increase closed: the weight holds, no failed check',
    canary: makeCanary({ webhooks: [confirmIncrease] }, progressing({ canaryWeight: 10 })),
    obs: world({ routes: routes(10) }, v2),
    now: tick,
    answers: { hooks: { 'confirm-traffic-increase': [hook('step', 'confirm-traffic-increase', false)] } },
    then: { phase: 'Progressing', weight: 10, failedChecks: 0, routes: null, notify: ['warn'], status: { gate: { type: 'confirm-traffic-increase', since: iso(60) } } },
  },
  {
    rule: 'confirm-traffic-increase opened: the weight goes up and the gate is cleared',
    canary: makeCanary({ webhooks: [confirmIncrease] }, progressing({ canaryWeight: 10, gate: { type: 'confirm-traffic-increase', since: iso(0) } })),
    obs: world({ routes: routes(10) }, v2),
    now: tick,
    then: { weight: 20, absent: ['gate'] },
  },
  {
    rule: 'confirm-promotion closed: WaitingPromotion, traffic stays at the maximum',
    canary: makeCanary({ webhooks: [confirmPromotion] }, progressing({ canaryWeight: 30 })),
    obs: world({ routes: routes(30) }, v2),
    now: tick,
    answers: { hooks: { 'confirm-promotion': [hook('approve', 'confirm-promotion', false)] } },
    then: { phase: 'WaitingPromotion', weight: 30, routes: null, excludes: ['promote'], notify: ['warn'] },
  },
  {
    rule: 'WaitingPromotion keeps analysing; a breached threshold still rolls back',
    canary: makeCanary({ webhooks: [confirmPromotion], threshold: 1 }, progressing({ phase: 'WaitingPromotion', canaryWeight: 30, gate: { type: 'confirm-promotion', since: iso(0) } })),
    obs: world({ routes: routes(30) }, v2),
    now: tick,
    answers: { metrics: [{ name: 'request-success-rate', verdict: 'fail', value: 50, min: 99 }] },
    then: { phase: 'Failed', asked: ['metrics'], routes: routes(0) },
  },
  {
    rule: 'WaitingPromotion past the gate deadline rolls back',
    canary: makeCanary({ webhooks: [{ ...confirmPromotion, deadline: '2m' }] }, progressing({ phase: 'WaitingPromotion', canaryWeight: 30, gate: { type: 'confirm-promotion', since: iso(0) } })),
    obs: world({ routes: routes(30) }, v2),
    now: at(120),
    then: { phase: 'Failed', notify: ['warn'], status: { pendingWriteBack: expect.objectContaining({ outcome: 'rolledBack', revision: 'v1', attempts: 0 }) } },
  },
  {
    rule: 'WaitingPromotion: the gate opens, promotion starts',
    canary: makeCanary({ webhooks: [confirmPromotion] }, progressing({ phase: 'WaitingPromotion', canaryWeight: 30, gate: { type: 'confirm-promotion', since: iso(0) } })),
    obs: world({ routes: routes(30) }, v2),
    now: tick,
    then: { phase: 'Promoting', asked: ['metrics', 'confirm-promotion'], includes: ['promote'] },
  },
  {
    rule: 'mirror: the first step mirrors at weight 0',
    canary: makeCanary({ mirror: true }, progressing()),
    obs: world({}, v2),
    now: tick,
    then: { weight: 0, routes: routes(0, true), status: { mirrored: true } },
  },
  {
    rule: 'mirror: the step after mirroring shifts weight and stops mirroring',
    canary: makeCanary({ mirror: true }, progressing({ mirrored: true })),
    obs: world({ routes: routes(0, true) }, v2),
    now: tick,
    then: { weight: 10, routes: routes(10), asked: ['metrics'], status: { mirrored: false } },
  },
  {
    rule: 'mirror + confirm-traffic-increase closed: the mirror step waits for the gate too (as Flagger)',
    canary: makeCanary({ mirror: true, webhooks: [confirmIncrease] }, progressing()),
    obs: world({}, v2),
    now: tick,
    answers: { hooks: { 'confirm-traffic-increase': [hook('step', 'confirm-traffic-increase', false)] } },
    then: { weight: 0, routes: null, notify: ['warn'], absent: ['mirrored'], status: { gate: { type: 'confirm-traffic-increase', since: iso(60) } } },
  },
  {
    rule: 'mirror + confirm-traffic-increase: the first weight after mirroring is asked too (Flagger skips it)',
    canary: makeCanary({ mirror: true, webhooks: [confirmIncrease] }, progressing({ mirrored: true })),
    obs: world({ routes: routes(0, true) }, v2),
    now: tick,
    answers: { hooks: { 'confirm-traffic-increase': [hook('step', 'confirm-traffic-increase', false)] } },
    then: { weight: 0, routes: null, asked: ['metrics', 'confirm-traffic-increase'], status: { mirrored: true } },
  },
  {
    rule: 'mirror + confirm-traffic-increase open: mirror, then weight, each step asked once',
    canary: makeCanary({ mirror: true, webhooks: [confirmIncrease] }, progressing({ mirrored: true })),
    obs: world({ routes: routes(0, true) }, v2),
    now: tick,
    then: { weight: 10, routes: routes(10), asked: ['metrics', 'confirm-traffic-increase'], status: { mirrored: false } },
  },
  {
    rule: 'A/B: the first step sends the matching requests (only) to the canary',
    canary: makeCanary({ stepWeight: undefined, iterations: 3, match: abMatch }, progressing()),
    obs: world({}, v2),
    now: tick,
    then: { iterations: 1, weight: 0, routes: matched },
  },
  {
    rule: 'A/B: then one iteration per step, the routes staying as they are',
    canary: makeCanary({ stepWeight: undefined, iterations: 3, match: abMatch }, progressing({ iterations: 1 })),
    obs: world({ routes: matched }, v2),
    now: tick,
    then: { iterations: 2, weight: 0, routes: null },
  },
  {
    rule: 'A/B: after the iterations, promote',
    canary: makeCanary({ stepWeight: undefined, iterations: 3, match: abMatch }, progressing({ iterations: 3 })),
    obs: world({ routes: matched }, v2),
    now: tick,
    then: { phase: 'Promoting' },
  },
  {
    rule: 'blue/green: iterations without moving traffic',
    canary: makeCanary({ stepWeight: undefined, iterations: 3 }, progressing({ iterations: 1 })),
    obs: world({}, v2),
    now: tick,
    then: { iterations: 2, routes: null, phase: 'Progressing' },
  },
  {
    rule: 'blue/green: after the iterations all traffic switches to the canary for one step',
    canary: makeCanary({ stepWeight: undefined, iterations: 3 }, progressing({ iterations: 3 })),
    obs: world({}, v2),
    now: tick,
    then: { weight: 100, routes: routes(100), phase: 'Progressing', events: ['SwitchedToCanary'] },
  },
  {
    rule: 'blue/green: then promote',
    canary: makeCanary({ stepWeight: undefined, iterations: 3 }, progressing({ iterations: 3, canaryWeight: 100 })),
    obs: world({ routes: routes(100) }, v2),
    now: tick,
    then: { phase: 'Promoting', includes: ['promote'] },
  },
  {
    rule: 'a router without weights runs weight steps as 10 blue/green iterations, and says so',
    canary: makeCanary({}, { phase: 'Initialized', lastAppliedSpec: 'v1', lastPromotedSpec: 'v1', promotedRevisions: ['v1'] }),
    obs: world({ router: SWITCH_ONLY }, { revision: 'v2', replicas: 0 }),
    now: tick,
    then: { phase: 'Progressing', events: ['NewRevision', 'StrategyAdjusted'] },
  },
  {
    rule: 'a router without weights counts iterations instead of weight',
    canary: makeCanary({}, progressing({ iterations: 4 })),
    obs: world({ router: SWITCH_ONLY }, v2),
    now: tick,
    then: { iterations: 5, weight: 0, routes: null },
  },
  {
    rule: 'A/B on a router without matching runs as blue/green',
    canary: makeCanary({ stepWeight: undefined, iterations: 3, match: abMatch }, progressing({ iterations: 1 })),
    obs: world({ router: SWITCH_ONLY }, v2),
    now: tick,
    then: { iterations: 2, routes: null },
  },
];

describe('engine: strategies', () => {
  it.each(rows)('$rule', check);
});
