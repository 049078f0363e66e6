// What the request tables share: a Canary carrying a request, and the statuses the verbs meet.
import { expect } from 'vitest';
import { type Canary, type CanaryStatus, REQUEST_ANNOTATION, type Verb } from '../../../src/api/index.js';
import { at, HELD, iso, progressing } from './fixtures.js';

/** A Canary carrying a request of `verb` (id r1, by alice) in its annotation. */
export function asked(canary: Canary, verb: Verb, id = 'r1'): Canary {
  const annotations = { [REQUEST_ANNOTATION]: JSON.stringify({ verb, id, at: iso(0), by: 'alice' }) };
  return { ...canary, metadata: { ...canary.metadata, annotations } };
}
export const answered = (verb: Verb, outcome: 'done' | 'refused', message: string): Partial<CanaryStatus> =>
  ({ lastRequest: { id: 'r1', verb, by: 'alice', outcome, message: expect.stringContaining(message), time: expect.any(String) } });
export const done = (verb: Verb, message: string) => answered(verb, 'done', message);
export const refused = (verb: Verb, message: string) => answered(verb, 'refused', message);
export const pausedCondition = (status: 'True' | 'False', reason: string) => ({ conditions: expect.arrayContaining([expect.objectContaining({ type: 'Paused', status, reason })]) });
export const PAUSED = { type: 'Paused', status: 'True' as const, reason: 'PausedByRequest', message: 'paused by alice at weight 20' };

export const v2 = { revision: 'v2', replicas: 2, ...HELD };
export const at20 = { primary: 80, canary: 20, mirror: false };
export const tick = at(60);
export const gate = { name: 'approve', type: 'confirm-promotion' as const, url: 'http://gate/' };
export const rolloutGate = { name: 'go', type: 'confirm-rollout' as const, url: 'http://gate/' };
export const midRun = (extra: CanaryStatus = {}) => progressing({ canaryWeight: 20, ...extra });
export const paused = (extra: CanaryStatus = {}) => midRun({ conditions: [PAUSED], ...extra });
/** Rolled back at revision v2: the target still holds it, the primary runs v1. */
export const rolledBack = (extra: CanaryStatus = {}) => progressing({ phase: 'Failed', lastTransitionTime: iso(0), failedChecks: 2, ...extra });
export const promotingAt = (weight: number, extra: CanaryStatus = {}) => progressing({ phase: 'Promoting', canaryWeight: weight, ...extra });

