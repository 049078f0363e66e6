import { describe, expect, it } from 'vitest';
import type { Action, Observation, Routes } from '../../../src/engine/index.js';
import { FINALIZER } from '../../../src/engine/index.js';
import type { Canary } from '../../../src/api/index.js';
import { at, decide, fail, HELD, initialized, iso, makeCanary, notReady, progressing, SWITCH_ONLY, world } from './fixtures.js';

/**
 * The rule of src/engine/serving-pods.ts: while users can reach the canary its Deployment is
 * paused, so a new template never rolls out to pods that serve users; traffic leaves it first.
 */
const split = (canary: number, extra: Partial<Routes> = {}): Routes => ({ primary: 100 - canary, canary, mirror: false, ...extra });
const v2 = { revision: 'v2', replicas: 2 };

interface Row {
  rule: string;
  canary: Canary;
  obs: Observation;
  now?: Date;
  /** The pause action expected: where it stands among the world actions, and what it asks. */
  pause: { at: 'first' | 'last'; paused: boolean; revision?: string } | null;
  /** setRoutes must come before/after the pause (checked when both are there). */
  routes?: Routes;
}

const worldKinds = new Set(['event', 'notify', 'runHooks']);
const worldActions = (actions: Action[]) => actions.filter((a) => !worldKinds.has(a.kind));

const rows: Row[] = [
  {
    rule: 'the first weight step pauses the target before any traffic moves, pinned to the analysed template',
    canary: makeCanary({}, progressing({ lastStepTime: iso(0) })),
    obs: world({}, v2),
    now: at(60),
    pause: { at: 'first', paused: true, revision: 'v2' },
    routes: split(10),
  },
  {
    rule: 'a later step with the target held changes nothing about the pause',
    canary: makeCanary({}, progressing({ canaryWeight: 10, lastStepTime: iso(0) })),
    obs: world({ routes: split(10) }, { ...v2, ...HELD }),
    now: at(60),
    pause: null,
    routes: split(20),
  },
  {
    rule: 'a rollback moves traffic to the primary, then unpauses',
    canary: makeCanary({ threshold: 1 }, progressing({ canaryWeight: 20, lastStepTime: iso(0) })),
    obs: { ...world({ routes: split(20) }, { ...v2, ...HELD }), metrics: [fail()] },
    now: at(60),
    pause: { at: 'last', paused: false },
    routes: split(0),
  },
  {
    rule: 'a new template pushed mid-analysis (held back by the pause): traffic back to the primary, then the target may roll it out',
    canary: makeCanary({}, progressing({ canaryWeight: 20, lastStepTime: iso(0) })),
    obs: world({ routes: split(20) }, { revision: 'v3', replicas: 2, ...HELD }),
    now: at(10),
    pause: { at: 'last', paused: false },
    routes: split(0),
  },
  {
    rule: 'after a failed promotion the pods serving everyone stay paused while a new revision waits',
    canary: makeCanary({}, progressing({ phase: 'Failed', canaryWeight: 100 })),
    obs: world({ routes: split(100) }, { revision: 'v3', replicas: 2, ...HELD }, { revision: 'v2', readiness: notReady() }),
    pause: null,
  },
  {
    rule: 'a failed promotion that left the target unpaused (an older Pennant) pauses it',
    canary: makeCanary({}, progressing({ phase: 'Failed', canaryWeight: 100 })),
    obs: world({ routes: split(100) }, v2, { revision: 'v2', readiness: notReady() }),
    pause: { at: 'first', paused: true, revision: 'v2' },
  },
  {
    rule: 'a resumed promotion unpauses once the primary serves again',
    canary: makeCanary({}, progressing({ phase: 'Failed', canaryWeight: 100 })),
    obs: world({ routes: split(100) }, { ...v2, ...HELD }, { revision: 'v2' }),
    pause: { at: 'last', paused: false },
    routes: split(0),
  },
  {
    rule: 'mirroring sends no canary answer to users: no pause',
    canary: makeCanary({ mirror: true }, progressing({ lastStepTime: iso(0) })),
    obs: world({}, v2),
    now: at(60),
    pause: null,
    routes: split(0, { mirror: true }),
  },
  {
    rule: 'blue/green switching everyone to the canary pauses it first',
    canary: makeCanary({ stepWeight: undefined, maxWeight: undefined, iterations: 2 }, progressing({ iterations: 2, lastStepTime: iso(0) })),
    obs: world({ router: SWITCH_ONLY }, v2),
    now: at(60),
    pause: { at: 'first', paused: true, revision: 'v2' },
    routes: split(100),
  },
  {
    rule: 'a target that cannot be paused (a DaemonSet) switched to the canary: no pause, as Flagger',
    canary: makeCanary({ stepWeight: undefined, maxWeight: undefined, iterations: 2 }, progressing({ iterations: 2, lastStepTime: iso(0) })),
    obs: world({ router: SWITCH_ONLY }, { ...v2, pausable: false }),
    now: at(60),
    pause: null,
    routes: split(100),
  },
  {
    rule: 'A/B: matching users on the canary pauses it first',
    canary: makeCanary({ stepWeight: undefined, maxWeight: undefined, iterations: 3, match: [{ headers: { x: { exact: 'y' } } }] }, progressing({ lastStepTime: iso(0), iterations: 1 })),
    obs: world({}, v2),
    now: at(60),
    pause: { at: 'first', paused: true, revision: 'v2' },
    routes: { primary: 0, canary: 100, mirror: false, matchedOnly: true },
  },
  {
    rule: 'a target the user paused themselves is left paused',
    canary: makeCanary({}, initialized()),
    obs: world({}, { paused: true, pausedByPennant: false, replicas: 0 }),
    pause: null,
  },
  {
    rule: 'a pause of ours that is no longer needed (traffic already on the primary) is lifted',
    canary: makeCanary({}, initialized({ phase: 'Succeeded' })),
    obs: world({}, { ...HELD, replicas: 0 }),
    pause: { at: 'last', paused: false },
  },
  {
    rule: 'deleted with revertOnDeletion: unpaused first, so the target it hands back rolls out its template',
    canary: { ...makeCanary({}, initialized(), { revertOnDeletion: true }), metadata: { name: 'podinfo', namespace: 'test', generation: 1, deletionTimestamp: iso(0), finalizers: [FINALIZER] } },
    obs: world({ deleting: true }, { ...HELD, replicas: 0 }, { replicas: 3 }),
    pause: { at: 'first', paused: false },
  },
  {
    rule: 'suspended: nothing is touched, not even the pause',
    canary: makeCanary({}, progressing({ canaryWeight: 10 }), { suspend: true }),
    obs: world({ routes: split(10) }, v2),
    pause: null,
  },
];

describe('engine: the pods that serve users are held', () => {
  it.each(rows)('$rule', (row) => {
    const result = decide(row.canary, row.obs, row.now ?? at(60));
    const actions = worldActions(result.actions);
    const pauses = actions.filter((a): a is Extract<Action, { kind: 'pause' }> => a.kind === 'pause');
    if (row.pause === null) {
      expect(pauses).toEqual([]);
    } else {
      expect(pauses).toEqual([{ kind: 'pause', workload: 'canary', paused: row.pause.paused, ...(row.pause.revision ? { revision: row.pause.revision } : {}) }]);
      const index = actions.findIndex((a) => a.kind === 'pause');
      expect(index, 'position of the pause').toBe(row.pause.at === 'first' ? 0 : actions.length - 1);
    }
    if (row.routes) {
      const set = actions.filter((a): a is Extract<Action, { kind: 'setRoutes' }> => a.kind === 'setRoutes');
      expect(set.at(-1)?.routes, 'routes').toEqual(row.routes);
    }
  });
});

describe('engine: routes someone changed at rest are put back', () => {
  it.each<[string, Routes]>([
    ['the apex reset to select the target (kubernetes provider)', split(100)],
    ['weights edited by hand', split(30)],
  ])('%s: all traffic back to the primary, with a Warning', (_, drifted) => {
    const result = decide(makeCanary({}, initialized()), world({ routes: drifted }, { replicas: 0 }), at(60));
    const set = result.actions.filter((a): a is Extract<Action, { kind: 'setRoutes' }> => a.kind === 'setRoutes');
    expect(set.map((a) => a.routes)).toEqual([split(0)]);
    expect(result.actions).toContainEqual(expect.objectContaining({ kind: 'event', type: 'Warning', reason: 'RoutesRepaired' }));
    expect(result.actions.some((a) => a.kind === 'pause')).toBe(false);
  });
});
