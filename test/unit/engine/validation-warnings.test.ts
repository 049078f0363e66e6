import { describe, expect, it } from 'vitest';
import { reportInvalid, VALIDATION_WARNING } from '../../../src/engine/index.js';
import type { Action } from '../../../src/engine/types.js';
import { at, decide, initialized, makeCanary, world } from './fixtures.js';

const WARNING = 'spec.analysis.maxWeight: maxWeight (50) is ignored when stepWeights is set: promotion follows the last step (60) (remove maxWeight)';
const OTHER = 'spec.analysis.sessionAffinity: gatewayapi:v1 does not support session affinity';

const warningsIn = (actions: Action[]): string[] =>
  actions.flatMap((a) => (a.kind === 'event' && a.reason === VALIDATION_WARNING ? [`${a.type} ${a.message}`] : []));

describe('validation warnings of an accepted Canary', () => {
  it('are each recorded once as a Warning Event when the spec is new, and the Canary runs on', () => {
    const result = decide(makeCanary({}, {}), world({ warnings: [WARNING, OTHER, WARNING] }), at(0));
    expect(warningsIn(result.actions)).toEqual([`Warning podinfo.test: ${WARNING}`, `Warning podinfo.test: ${OTHER}`]);
    expect(result.status.phase).toBe('Initialized');
    expect(result.status.observedGeneration).toBe(1);
  });

  it('are not recorded again while the generation stays the one observed', () => {
    const canary = makeCanary({}, initialized({ observedGeneration: 1 }));
    expect(warningsIn(decide(canary, world({ warnings: [WARNING] }), at(60)).actions)).toEqual([]);
  });

  it('are recorded again for a new spec generation', () => {
    const canary = makeCanary({}, initialized({ observedGeneration: 1 }));
    const edited = { ...canary, metadata: { ...canary.metadata, generation: 2 } };
    expect(warningsIn(decide(edited, world({ warnings: [WARNING] }), at(60)).actions)).toEqual([`Warning podinfo.test: ${WARNING}`]);
  });

  it('are recorded when the Canary is parked for another reason (an API missing), then not again', () => {
    const first = reportInvalid(makeCanary({}, {}), 'no HTTPRoute API', at(0), 'CannotReconcile', [WARNING]);
    expect(first.kind === 'decision' && warningsIn(first.actions)).toEqual([`Warning podinfo.test: ${WARNING}`]);
    const again = reportInvalid(makeCanary({}, first.kind === 'decision' ? first.status : {}), 'no HTTPRoute API', at(5), 'CannotReconcile', [WARNING]);
    expect(again.kind === 'decision' && again.actions).toEqual([]);
  });
});
