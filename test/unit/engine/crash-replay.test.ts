import { describe, expect, it } from 'vitest';
import type { Canary } from '../../../src/api/index.js';
import type { Action, Observation } from '../../../src/engine/index.js';
import { type Answers, at, decide, fail, hook, iso, makeCanary, notReady, progressing, READY, world } from './fixtures.js';

/**
 * The controller acts on the world first and writes the status after (src/controller/reconciler.ts).
 * Killed in between, it comes back to the old status and a world the decision already changed, and
 * decides again: that replay must end where the first decision meant to (crash-points.test.ts kills
 * the real controller there; these are the rows it found).
 */

/** The world as `actions` left it: what the router and the Deployment controller would show next. */
function afterActions(obs: Observation, actions: Action[]): Observation {
  let next = obs;
  for (const a of actions) {
    if (a.kind === 'setRoutes') next = { ...next, routes: a.routes };
    if (a.kind === 'scale' && a.workload === 'canary') next = { ...next, target: { ...next.target, replicas: a.replicas } };
    if (a.kind === 'promote') next = { ...next, primary: { ...next.primary, revision: next.target.revision } };
  }
  return next;
}

/** The canary's replicas once every scale action of a decision has been applied. */
function canaryReplicasAfter(obs: Observation, actions: Action[]): number {
  return afterActions(obs, actions).target.replicas;
}

interface Crash {
  rule: string;
  canary: Canary;
  obs: Observation;
  answers?: Answers;
  /** How the target reads after the interrupted decision scaled it (the Deployment controller may not have caught up). */
  readinessAfter?: Observation['target']['readiness'];
  /** What the first decision is (so a row cannot drift into testing something else). */
  phase: 'Failed' | 'Succeeded';
}

const at10 = { primary: 90, canary: 10, mirror: false };
const v2 = { revision: 'v2', replicas: 2 };
const gate = { name: 'approve', type: 'confirm-promotion' as const, url: 'http://gate/', deadline: '1m' };

const crashes: Crash[] = [
  {
    rule: 'the threshold-th failed check (metrics fail again on the replay)',
    phase: 'Failed',
    canary: makeCanary({ threshold: 2 }, progressing({ canaryWeight: 10, failedChecks: 1 })),
    obs: world({ routes: at10 }, v2),
    answers: { metrics: [fail()] },
  },
  {
    rule: 'the threshold-th failed check, the scaled-down target already read as ready at 0',
    phase: 'Failed',
    canary: makeCanary({ threshold: 2 }, progressing({ canaryWeight: 10, failedChecks: 1 })),
    obs: world({ routes: at10 }, v2),
    answers: { metrics: [fail()] },
    readinessAfter: READY,
  },
  {
    rule: 'a threshold already reached (rolled back before evaluating)',
    phase: 'Failed',
    canary: makeCanary({ threshold: 1 }, progressing({ canaryWeight: 10, failedChecks: 1 })),
    obs: world({ routes: at10 }, v2),
  },
  {
    rule: 'a rollback webhook that signals a rollback',
    phase: 'Failed',
    canary: makeCanary({ webhooks: [{ name: 'abort', type: 'rollback', url: 'http://gate/' }] }, progressing({ canaryWeight: 10 })),
    obs: world({ routes: at10 }, v2),
    answers: { hooks: { rollback: [hook('abort', 'rollback', true)] } },
  },
  {
    rule: 'a confirm-promotion gate past its deadline',
    phase: 'Failed',
    canary: makeCanary({ webhooks: [gate] }, progressing({ phase: 'WaitingPromotion', canaryWeight: 30, gate: { type: 'confirm-promotion', since: iso(0) } })),
    obs: world({ routes: { primary: 70, canary: 30, mirror: false } }, v2),
    answers: { hooks: { 'confirm-promotion': [hook('approve', 'confirm-promotion', false)] } },
  },
  {
    rule: 'a canary not ready past progressDeadlineSeconds',
    phase: 'Failed',
    canary: makeCanary({}, progressing({ canaryWeight: 10, notReadySince: iso(0) }), { progressDeadlineSeconds: 60 }),
    obs: world({ routes: at10 }, { ...v2, readiness: notReady() }),
    readinessAfter: notReady(),
  },
  {
    rule: 'the last step of a promotion (Finalising → Succeeded)',
    phase: 'Succeeded',
    canary: makeCanary({}, progressing({ phase: 'Finalising', lastAppliedSpec: 'v2', lastStepTime: iso(0) })),
    obs: world({}, v2, { revision: 'v2' }),
  },
];

describe('engine: a decision made again after a crash between acting and writing the status', () => {
  it.each(crashes)('$rule: same phase, routes and canary replicas', ({ canary, obs, answers, readinessAfter, phase }) => {
    const now = at(120);
    const first = decide(canary, obs, now, answers);
    expect(first.status.phase, 'the interrupted decision').toBe(phase);
    const crashed = afterActions(obs, first.actions);
    const seen = readinessAfter ? { ...crashed, target: { ...crashed.target, readiness: readinessAfter } } : crashed;
    const replay = decide(canary, seen, now, answers);

    expect(replay.status.phase, 'phase').toBe(first.status.phase);
    expect(afterActions(seen, replay.actions).routes, 'routes').toEqual(crashed.routes);
    expect(canaryReplicasAfter(seen, replay.actions), 'canary replicas').toBe(crashed.target.replicas);
  });

  it('a rollback re-made on a canary the first attempt scaled to zero leaves it at zero', () => {
    const canary = makeCanary({ threshold: 2 }, progressing({ canaryWeight: 10, failedChecks: 1 }));
    const seen = world({ routes: { primary: 100, canary: 0, mirror: false } }, { ...v2, replicas: 0, readiness: READY });
    const replay = decide(canary, seen, at(120), { metrics: [fail()] });
    expect(replay.status.phase).toBe('Failed');
    expect(replay.actions.filter((a) => a.kind === 'scale')).toEqual([]);
  });
});
