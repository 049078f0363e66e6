import { describe, expect, it } from 'vitest';
import { daemonSet } from '../../../src/workloads/k8s-types.js';
import { daemonSetReadiness } from '../../../src/workloads/readiness.js';

const ds = (generation: number, status: Record<string, number>) => daemonSet.parse({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'podinfo', namespace: 'test', generation },
  spec: { selector: { matchLabels: { app: 'podinfo' } }, template: {} },
  status,
});

describe('daemonSetReadiness', () => {
  it.each<[string, number, Record<string, number>, number, string | null]>([
    ['every scheduled pod updated and available', 2, { observedGeneration: 2, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 }, 100, null],
    ['the new generation not observed yet', 3, { observedGeneration: 2, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 }, 100, 'the rollout has not been observed yet'],
    ['no status at all', 1, {}, 100, 'the rollout has not been observed yet'],
    ['pods still being replaced', 2, { observedGeneration: 2, desiredNumberScheduled: 3, updatedNumberScheduled: 1, numberAvailable: 3 }, 100, '1 of 3 pods updated'],
    ['updated pods not available yet', 2, { observedGeneration: 2, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 2 }, 100, '2 of 3 updated pods available'],
    ['enough available for the threshold', 2, { observedGeneration: 2, desiredNumberScheduled: 4, updatedNumberScheduled: 4, numberAvailable: 2 }, 50, null],
    ['no node runs its pods (scaled to zero, or a nodeSelector no node has)', 2, { observedGeneration: 2, desiredNumberScheduled: 0 }, 100,
      'no node runs its pods (desiredNumberScheduled is 0): check its nodeSelector, affinity and tolerations'],
  ])('%s', (_case, generation, status, threshold, waiting) => {
    expect(daemonSetReadiness(ds(generation, status), threshold)).toEqual(waiting === null ? { ready: true } : { ready: false, message: waiting, deadlineExceeded: false });
  });
});
