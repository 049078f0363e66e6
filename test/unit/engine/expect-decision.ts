import { expect } from 'vitest';
import type { Canary, CanaryStatus } from '../../../src/api/index.js';
import type { Evaluation, Observation, Routes } from '../../../src/engine/index.js';
import { type Answers, decide, eventsOf, kinds, notifications, routesOf, scaleOf } from './fixtures.js';

/** One row of an engine table: a situation and what must come of it. */
export interface Row {
  rule: string;
  canary: Canary;
  obs: Observation;
  now: Date;
  answers?: Answers;
  then: Expected;
}

export interface Expected {
  phase?: CanaryStatus['phase'];
  weight?: number;
  failedChecks?: number;
  iterations?: number;
  /** Exact list of action kinds, in order. */
  actions?: string[];
  /** Action kinds that must be present. */
  includes?: string[];
  /** Action kinds that must be absent. */
  excludes?: string[];
  routes?: Routes | null;
  scale?: number | null;
  asked?: Evaluation[];
  events?: string[];
  notify?: string[];
  requeueAfterMs?: number | null;
  status?: Partial<CanaryStatus>;
  /** Status fields that must not be set. */
  absent?: (keyof CanaryStatus)[];
}

export function check(row: Row): void {
  const result = decide(row.canary, row.obs, row.now, row.answers);
  const t = row.then;
  const got = kinds(result.actions);
  if (t.phase !== undefined) expect(result.status.phase, 'phase').toBe(t.phase);
  if (t.weight !== undefined) expect(result.status.canaryWeight ?? 0, 'canaryWeight').toBe(t.weight);
  if (t.failedChecks !== undefined) expect(result.status.failedChecks ?? 0, 'failedChecks').toBe(t.failedChecks);
  if (t.iterations !== undefined) expect(result.status.iterations ?? 0, 'iterations').toBe(t.iterations);
  if (t.actions) expect(got, 'actions').toEqual(t.actions);
  for (const k of t.includes ?? []) expect(got, `actions include ${k}`).toContain(k);
  for (const k of t.excludes ?? []) expect(got, `actions exclude ${k}`).not.toContain(k);
  if (t.routes !== undefined) expect(routesOf(result.actions) ?? null, 'routes').toEqual(t.routes);
  if (t.scale !== undefined) expect(scaleOf(result.actions) ?? null, 'scale').toBe(t.scale);
  if (t.asked) expect(result.asked, 'evaluations asked').toEqual(t.asked);
  if (t.events) expect(eventsOf(result.actions), 'events').toEqual(t.events);
  if (t.notify) expect(notifications(result.actions).map((n) => n.severity), 'notifications').toEqual(t.notify);
  if (t.requeueAfterMs !== undefined) expect(result.requeueAfterMs, 'requeueAfterMs').toBe(t.requeueAfterMs);
  if (t.status) expect(result.status, 'status').toMatchObject(t.status);
  for (const key of t.absent ?? []) expect(result.status[key], `status.${key}`).toBeUndefined();
}
