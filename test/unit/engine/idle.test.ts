import { describe, expect, it } from 'vitest';
import { check, type Row } from './expect-decision.js';
import { at, hook, initialized, iso, makeCanary, world } from './fixtures.js';

const gate = (type: 'confirm-rollout', extra: Record<string, unknown> = {}) => ({ name: 'approve', type, url: 'http://gate/', ...extra });

const rows: Row[] = [
  {
    rule: 'no change: nothing to do',
    canary: makeCanary({}, initialized()),
    obs: world(),
    now: at(60),
    then: { phase: 'Initialized', actions: ['ensureRouting'], requeueAfterMs: null },
  },
  {
    rule: 'a new pod template starts an analysis: canary scaled up, Progressing',
    canary: makeCanary({}, initialized()),
    obs: world({}, { revision: 'v2', replicas: 0 }),
    now: at(60),
    then: {
      phase: 'Progressing', weight: 0, failedChecks: 0, scale: 2, events: ['NewRevision'], notify: ['info'],
      status: { lastAppliedSpec: 'v2', lastStepTime: iso(60), checks: [] }, requeueAfterMs: 60_000,
    },
  },
  {
    rule: 'a changed tracked ConfigMap is a new revision too',
    canary: makeCanary({}, initialized({ trackedConfigs: { 'configmap/app': 'aaa' }, promotedRevisions: ['v1+configmap/app=aaa'] })),
    obs: world({}, { trackedConfigs: { 'configmap/app': 'bbb' }, replicas: 0 }),
    now: at(60),
    then: { phase: 'Progressing', status: { trackedConfigs: { 'configmap/app': 'bbb' } } },
  },
  {
    rule: 'a removed tracked config is a new revision too',
    canary: makeCanary({}, initialized({ trackedConfigs: { 'configmap/app': 'aaa' }, promotedRevisions: ['v1+configmap/app=aaa'] })),
    obs: world({}, { trackedConfigs: {}, replicas: 0 }),
    now: at(60),
    then: { phase: 'Progressing' },
  },
  {
    rule: 'after a rollback, the target back at the promoted revision is accepted without analysis',
    canary: makeCanary({}, initialized({ phase: 'Failed', lastAppliedSpec: 'v2' })),
    obs: world({}, { revision: 'v1', replicas: 0 }),
    now: at(60),
    then: { phase: 'Failed', events: ['RevisionUnchanged'], excludes: ['scale'], status: { lastAppliedSpec: 'v1' } },
  },
  {
    rule: 'skipAnalysis promotes without analysis (still through Promoting)',
    canary: makeCanary({}, initialized(), { skipAnalysis: true }),
    obs: world({}, { revision: 'v2', replicas: 0 }),
    now: at(60),
    then: { phase: 'Promoting', includes: ['promote'], excludes: ['scale'], status: { skippedAnalysis: 'skipAnalysis', lastAppliedSpec: 'v2' } },
  },
  {
    rule: 'rollbackWindow: returning to a recently promoted revision is promoted at once',
    canary: makeCanary({}, initialized({ phase: 'Succeeded', lastAppliedSpec: 'v3', lastPromotedSpec: 'v3', promotedRevisions: ['v3', 'v2', 'v1'] }), { rollbackWindow: { revisions: 2 } }),
    obs: world({}, { revision: 'v1', replicas: 0 }),
    now: at(60),
    then: { phase: 'Promoting', includes: ['promote'], status: { skippedAnalysis: 'rollbackWindow: a recently promoted revision' } },
  },
  {
    rule: 'rollbackWindow: a revision older than the window is analysed',
    canary: makeCanary({}, initialized({ phase: 'Succeeded', lastAppliedSpec: 'v3', lastPromotedSpec: 'v3', promotedRevisions: ['v3', 'v2', 'v1'] }), { rollbackWindow: { revisions: 1 } }),
    obs: world({}, { revision: 'v1', replicas: 0 }),
    now: at(60),
    then: { phase: 'Progressing', excludes: ['promote'] },
  },
  {
    rule: 'confirm-rollout closed: Waiting, gate clock starts, warn alert',
    canary: makeCanary({ webhooks: [gate('confirm-rollout')] }, initialized()),
    obs: world({}, { revision: 'v2', replicas: 0 }),
    now: at(60),
    answers: { hooks: { 'confirm-rollout': [hook('approve', 'confirm-rollout', false)] } },
    then: { phase: 'Waiting', asked: ['confirm-rollout'], excludes: ['scale'], events: ['WaitingForApproval'], notify: ['warn'], status: { gate: { type: 'confirm-rollout', since: iso(60) } } },
  },
  {
    rule: 'confirm-rollout closed with muteAlert: no alert',
    canary: makeCanary({ webhooks: [gate('confirm-rollout', { muteAlert: true })] }, initialized()),
    obs: world({}, { revision: 'v2', replicas: 0 }),
    now: at(60),
    answers: { hooks: { 'confirm-rollout': [hook('approve', 'confirm-rollout', false)] } },
    then: { phase: 'Waiting', notify: [] },
  },
  {
    rule: 'confirm-rollout still closed: the gate keeps its start time, no repeated alert',
    canary: makeCanary({ webhooks: [gate('confirm-rollout')] }, initialized({ phase: 'Waiting', gate: { type: 'confirm-rollout', since: iso(60) } })),
    obs: world({}, { revision: 'v2', replicas: 0 }),
    now: at(120),
    answers: { hooks: { 'confirm-rollout': [hook('approve', 'confirm-rollout', false)] } },
    then: { phase: 'Waiting', notify: [], events: [], status: { gate: { type: 'confirm-rollout', since: iso(60) } } },
  },
  {
    rule: 'confirm-rollout opened: Progressing, gate cleared',
    canary: makeCanary({ webhooks: [gate('confirm-rollout')] }, initialized({ phase: 'Waiting', gate: { type: 'confirm-rollout', since: iso(60) } })),
    obs: world({}, { revision: 'v2', replicas: 0 }),
    now: at(120),
    then: { phase: 'Progressing', scale: 2, asked: ['confirm-rollout'], absent: ['gate'] },
  },
  {
    rule: 'confirm-rollout past its deadline: the rollout is rejected and Git told to forget it',
    canary: makeCanary({ webhooks: [gate('confirm-rollout', { deadline: '1h' })] }, initialized({ phase: 'Waiting', gate: { type: 'confirm-rollout', since: iso(0) } })),
    obs: world({}, { revision: 'v2', replicas: 0 }),
    now: at(3600),
    answers: { hooks: { 'confirm-rollout': [hook('approve', 'confirm-rollout', false)] } },
    then: { phase: 'Failed', includes: ['runHooks'], notify: ['warn'], status: { lastAppliedSpec: 'v2', pendingWriteBack: expect.objectContaining({ outcome: 'rolledBack', revision: 'v1', attempts: 0 }) } },
  },
  {
    rule: 'no free analysis slot: Waiting (queued), one event',
    canary: makeCanary({}, initialized()),
    obs: world({ analysisSlot: false }, { revision: 'v2', replicas: 0 }),
    now: at(60),
    then: { phase: 'Waiting', events: ['Queued'], excludes: ['scale'], status: { queuedSince: iso(60) } },
  },
  {
    rule: 'a queued Canary starts when a slot frees',
    canary: makeCanary({}, initialized({ phase: 'Waiting', queuedSince: iso(60) })),
    obs: world({}, { revision: 'v2', replicas: 0 }),
    now: at(300),
    then: { phase: 'Progressing', absent: ['queuedSince'] },
  },
  {
    rule: 'Waiting and the target reverted to the promoted revision: back to rest',
    canary: makeCanary({ webhooks: [gate('confirm-rollout')] }, initialized({ phase: 'Waiting', gate: { type: 'confirm-rollout', since: iso(60) } })),
    obs: world({}, { revision: 'v1', replicas: 0 }),
    now: at(120),
    then: { phase: 'Initialized', asked: [], absent: ['gate'] },
  },
];

describe('engine: idle phases and the way into an analysis', () => {
  it.each(rows)('$rule', check);
});
