import { describe, it } from 'vitest';
import { check, type Row } from './expect-decision.js';
import { at, fail, initialized, iso, makeCanary, progressing, world } from './fixtures.js';

const pending = (extra = {}) => ({ outcome: 'rolledBack' as const, reason: 'failed checks threshold reached 2', revision: 'v1', since: iso(0), attempts: 0, ...extra });
const failedWith = (extra = {}) => initialized({ phase: 'Failed', lastAppliedSpec: 'v2', pendingWriteBack: pending(extra) });

const rows: Row[] = [
  {
    rule: 'a pending write-back is attempted first; a commit clears it, is recorded and told',
    canary: makeCanary({}, failedWith()),
    obs: world({}, { revision: 'v2', replicas: 0 }),
    now: at(1),
    answers: { writeBack: { ok: true, message: 'reverted podinfo to the promoted images in abc1234', commit: 'abc1234' } },
    then: { asked: ['writeBack'], events: ['WrittenBack'], absent: ['pendingWriteBack'], status: { lastWriteBack: { outcome: 'rolledBack', time: iso(1), message: 'reverted podinfo to the promoted images in abc1234', commit: 'abc1234' } }, requeueAfterMs: null },
  },
  {
    rule: 'Git already as wanted (or no GitSource): cleared quietly',
    canary: makeCanary({}, failedWith()),
    obs: world({}, { revision: 'v2', replicas: 0 }),
    now: at(1),
    answers: { writeBack: { ok: true, message: 'no GitSource manages test/podinfo: nothing to write back' } },
    then: { events: [], absent: ['pendingWriteBack'] },
  },
  {
    rule: 'a failure is kept with its reason and retried with backoff, with one Warning event',
    canary: makeCanary({}, failedWith()),
    obs: world({}, { revision: 'v2', replicas: 0 }),
    now: at(1),
    answers: { writeBack: { ok: false, message: 'push rejected: remote unreachable' } },
    then: { events: ['WriteBackFailed'], status: { pendingWriteBack: pending({ attempts: 1, lastError: 'push rejected: remote unreachable', nextAttempt: iso(6) }) }, requeueAfterMs: 5000 },
  },
  {
    rule: 'the same failure again doubles the wait and does not repeat the event',
    canary: makeCanary({}, failedWith({ attempts: 1, lastError: 'push rejected: remote unreachable', nextAttempt: iso(6) })),
    obs: world({}, { revision: 'v2', replicas: 0 }),
    now: at(6),
    answers: { writeBack: { ok: false, message: 'push rejected: remote unreachable' } },
    then: { events: [], status: { pendingWriteBack: pending({ attempts: 2, lastError: 'push rejected: remote unreachable', nextAttempt: iso(16) }) }, requeueAfterMs: 10_000 },
  },
  {
    rule: 'before the next attempt is due nothing is asked',
    canary: makeCanary({}, failedWith({ attempts: 1, nextAttempt: iso(6) })),
    obs: world({}, { revision: 'v2', replicas: 0 }),
    now: at(2),
    then: { asked: [], requeueAfterMs: 4000 },
  },
  {
    rule: 'the rest of the decision goes on in the same reconcile',
    canary: makeCanary({}, initialized({ pendingWriteBack: pending({ outcome: 'promoted', revision: 'v1' }) })),
    obs: world({}, { revision: 'v2', replicas: 0 }),
    now: at(1),
    then: { asked: ['writeBack'], phase: 'Progressing', absent: ['pendingWriteBack'] },
  },
  {
    rule: 'a suspended Canary writes nothing back',
    canary: makeCanary({}, failedWith(), { suspend: true }),
    obs: world({}, { revision: 'v2', replicas: 0 }),
    now: at(1),
    then: { asked: [] },
  },
  {
    rule: 'a newer outcome replaces the one still pending',
    canary: makeCanary({ threshold: 1 }, progressing({ canaryWeight: 10, pendingWriteBack: pending({ outcome: 'promoted', revision: 'v1', attempts: 3, nextAttempt: iso(600) }) })),
    obs: world({ routes: { primary: 90, canary: 10, mirror: false } }, { revision: 'v2', replicas: 2 }),
    now: at(60),
    answers: { metrics: [fail()] },
    then: { phase: 'Failed', status: { pendingWriteBack: { outcome: 'rolledBack', reason: 'failed checks threshold reached 1 (last failing: request-success-rate)', revision: 'v1', since: iso(60), attempts: 0 } }, requeueAfterMs: 0 },
  },
];

describe('engine: write-back to Git', () => {
  it.each(rows)('$rule', check);
});
