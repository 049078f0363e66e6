import { describe, it } from 'vitest';
import { check, type Row } from './expect-decision.js';
import { at, iso, makeCanary, notReady, world } from './fixtures.js';

const fresh = makeCanary();

const rows: Row[] = [
  {
    rule: 'a new Canary creates the primary and waits',
    canary: fresh,
    obs: world({ routes: null }, {}, { exists: false, readiness: notReady() }),
    now: at(0),
    then: { phase: 'Initializing', actions: ['createPrimary', 'event'], events: ['Initializing'] },
  },
  {
    rule: 'a primary that is not ready yet is waited for, with one event',
    canary: makeCanary({}, { phase: 'Initializing' }),
    obs: world({ routes: null }, {}, { readiness: notReady() }),
    now: at(10),
    then: { phase: 'Initializing', actions: ['event'], events: ['WaitingForPrimary'], status: { notReadySince: iso(10) } },
  },
  {
    rule: 'a later wait for the primary emits nothing new',
    canary: makeCanary({}, { phase: 'Initializing', notReadySince: iso(10) }),
    obs: world({ routes: null }, {}, { readiness: notReady() }),
    now: at(20),
    then: { phase: 'Initializing', actions: [] },
  },
  {
    rule: 'a primary not ready within progressDeadlineSeconds fails the initialisation',
    canary: makeCanary({}, { phase: 'Initializing', notReadySince: iso(0) }, { progressDeadlineSeconds: 60 }),
    obs: world({ routes: null }, {}, { readiness: notReady() }),
    now: at(61),
    then: { phase: 'Failed', events: ['InitializationFailed'], notify: ['error'] },
  },
  {
    rule: 'a failed initialisation stays quiet while the primary stays unready',
    canary: makeCanary({}, { phase: 'Failed', notReadySince: iso(0) }, { progressDeadlineSeconds: 60 }),
    obs: world({ routes: null }, {}, { readiness: notReady() }),
    now: at(300),
    then: { phase: 'Failed', actions: [] },
  },
  {
    rule: 'a ready primary: routing is put in place, the target scaled to zero, Initialized',
    canary: makeCanary({}, { phase: 'Initializing' }),
    obs: world({ routes: null }),
    now: at(30),
    then: {
      phase: 'Initialized',
      actions: ['ensureRouting', 'scale', 'event', 'notify'],
      scale: 0,
      notify: ['info'],
      status: { lastAppliedSpec: 'v1', lastPromotedSpec: 'v1', promotedRevisions: ['v1'], canaryWeight: 0 },
    },
  },
  {
    rule: 'a failed initialisation recovers when the primary becomes ready',
    canary: makeCanary({}, { phase: 'Failed', notReadySince: iso(0) }),
    obs: world({ routes: null }),
    now: at(900),
    then: { phase: 'Initialized', includes: ['ensureRouting', 'scale'] },
  },
  {
    rule: 'tracked configs are recorded at initialisation',
    canary: makeCanary({}, { phase: 'Initializing' }),
    obs: world({ routes: null }, { trackedConfigs: { 'configmap/app': 'abc' } }),
    now: at(30),
    then: { phase: 'Initialized', status: { trackedConfigs: { 'configmap/app': 'abc' }, promotedRevisions: ['v1+configmap/app=abc'] } },
  },
];

describe('engine: initialisation', () => {
  it.each(rows)('$rule', check);
});
