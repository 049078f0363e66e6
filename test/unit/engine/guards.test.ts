import { describe, expect, it } from 'vitest';
import { advance, FINALIZER } from '../../../src/engine/index.js';
import { check, type Row } from './expect-decision.js';
import { at, decide, initialized, makeCanary, notReady, progressing, world } from './fixtures.js';

const withMeta = (c: ReturnType<typeof makeCanary>, meta: Record<string, unknown>) => ({ ...c, metadata: { ...c.metadata, ...meta } });
const deleting = { deletionTimestamp: at(0).toISOString(), finalizers: [FINALIZER] };

const rows: Row[] = [
  {
    rule: 'an invalid spec parks the Canary: Ready=False with the message, an Event, no actions',
    canary: makeCanary({}, initialized()),
    obs: world({ invalid: 'spec.analysis.stepWeight: expected number, got "10%"' }, { revision: 'v2' }),
    now: at(0),
    then: {
      phase: 'Initialized', actions: ['event'], events: ['InvalidSpec'],
      status: { conditions: expect.arrayContaining([expect.objectContaining({ type: 'Ready', status: 'False', reason: 'InvalidSpec', message: 'spec.analysis.stepWeight: expected number, got "10%"' })]) },
    },
  },
  {
    rule: 'an invalid spec already reported is not reported again',
    canary: makeCanary({}, initialized({ conditions: [{ type: 'Ready', status: 'False', reason: 'InvalidSpec', message: 'bad' }] })),
    obs: world({ invalid: 'bad' }),
    now: at(0),
    then: { actions: [] },
  },
  {
    rule: 'a missing target parks the Canary',
    canary: makeCanary({}, {}),
    obs: world({}, { exists: false, readiness: notReady() }, { exists: false }),
    now: at(0),
    then: { actions: ['event'], events: ['TargetNotFound'], status: { conditions: expect.arrayContaining([expect.objectContaining({ type: 'Ready', status: 'False', message: 'Deployment test/podinfo not found' })]) } },
  },
  {
    rule: 'suspend freezes a run where it is, with one event',
    canary: makeCanary({}, progressing({ canaryWeight: 10 }), { suspend: true }),
    obs: world({ routes: { primary: 90, canary: 10, mirror: false } }, { revision: 'v2' }),
    now: at(600),
    then: { phase: 'Progressing', weight: 10, actions: ['event'], asked: [], events: ['Suspended'] },
  },
  {
    rule: 'revertOnDeletion adds the finalizer',
    canary: makeCanary({}, initialized(), { revertOnDeletion: true }),
    obs: world(),
    now: at(0),
    then: { includes: ['addFinalizer'] },
  },
  {
    rule: 'without revertOnDeletion our finalizer is removed',
    canary: withMeta(makeCanary({}, initialized()), { finalizers: [FINALIZER] }),
    obs: world(),
    now: at(0),
    then: { includes: ['removeFinalizer'] },
  },
  {
    rule: 'deletion: Terminating scales the target back up to the primary replicas',
    canary: withMeta(makeCanary({}, initialized(), { revertOnDeletion: true }), deleting),
    obs: world({ deleting: true }, { replicas: 0 }, { replicas: 3 }),
    now: at(0),
    then: { phase: 'Terminating', scale: 3, events: ['Terminating'] },
  },
  {
    rule: 'deletion: once the target is ready the routing is reverted and the finalizer removed',
    canary: withMeta(makeCanary({}, initialized({ phase: 'Terminating' }), { revertOnDeletion: true }), deleting),
    obs: world({ deleting: true }, { replicas: 3 }),
    now: at(5),
    then: { phase: 'Terminated', actions: ['revertOnDeletion', 'removeFinalizer', 'event'] },
  },
  {
    rule: 'deletion without revertOnDeletion does nothing',
    canary: withMeta(makeCanary({}, initialized()), { deletionTimestamp: at(0).toISOString() }),
    obs: world({ deleting: true }),
    now: at(0),
    then: { actions: [] },
  },
];

describe('engine: guards', () => {
  it.each(rows)('$rule', check);

  it('records the generation it acted on', () => {
    const canary = withMeta(makeCanary({}, initialized()), { generation: 7 });
    expect(decide(canary, world(), at(0)).status.observedGeneration).toBe(7);
  });

  it.each([
    ['Initialized', 'True'], ['Succeeded', 'True'], ['Failed', 'False'], ['Progressing', 'Unknown'],
  ] as const)('the Promoted condition of %s is %s', (phase, expected) => {
    const status = phase === 'Progressing' ? initialized() : initialized({ phase: 'Initializing' });
    const obs = phase === 'Progressing' ? world({}, { revision: 'v2' }) : world();
    const from = phase === 'Failed'
      ? decide(makeCanary({ threshold: 1 }, progressing({ canaryWeight: 10 })), world({}, { revision: 'v2' }), at(60), { metrics: [{ name: 'request-success-rate', verdict: 'fail', value: 1 }] })
      : phase === 'Succeeded'
        ? decide(makeCanary({}, progressing({ phase: 'Finalising' })), world({}, { revision: 'v2' }, { revision: 'v2' }), at(60))
        : decide(makeCanary({}, status), obs, at(60));
    expect(from.status.phase).toBe(phase);
    expect(from.status.conditions?.find((c) => c.type === 'Promoted')).toMatchObject({ status: expected, reason: phase });
  });

  it('asks for one evaluation at a time and never decides with a missing answer', () => {
    const canary = makeCanary({ webhooks: [{ name: 'lt', url: 'http://x/' }] }, progressing({ canaryWeight: 10 }));
    const first = advance(canary, world({}, { revision: 'v2' }), at(60));
    expect(first).toEqual({ kind: 'evaluate', evaluation: 'rollout' });
  });
});
