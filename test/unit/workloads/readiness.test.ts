import { describe, expect, it } from 'vitest';
import { deployment } from '../../../src/workloads/k8s-types.js';
import { deploymentReadiness } from '../../../src/workloads/readiness.js';
import { deploymentObject } from './fixtures.js';

interface Row {
  rule: string;
  replicas?: number;
  paused?: boolean;
  generation?: number;
  status?: Record<string, unknown>;
  threshold?: number;
  ready: boolean;
  deadlineExceeded?: boolean;
  /** A part of the message that tells what is being waited for. */
  message?: string;
}

const progressing = (reason: string, message = '') => ({ type: 'Progressing', status: reason === 'ProgressDeadlineExceeded' ? 'False' : 'True', reason, message });
const complete = (n: number) => ({ observedGeneration: 2, replicas: n, updatedReplicas: n, readyReplicas: n, availableReplicas: n });

const rows: Row[] = [
  { rule: 'all replicas updated and available', replicas: 3, status: complete(3), ready: true },
  { rule: 'replicas unset means 1', status: complete(1), ready: true },
  { rule: 'observedGeneration behind: the rollout is not observed yet', replicas: 3, generation: 3, status: complete(3), ready: false, message: 'not been observed' },
  { rule: 'no status at all', replicas: 1, status: undefined, ready: false, message: 'not been observed' },
  {
    rule: 'ProgressDeadlineExceeded: a final wait',
    replicas: 3,
    status: { ...complete(3), updatedReplicas: 1, availableReplicas: 0, conditions: [progressing('ProgressDeadlineExceeded', 'ReplicaSet "podinfo-1" has timed out progressing.')] },
    ready: false,
    deadlineExceeded: true,
    message: 'timed out progressing',
  },
  { rule: 'Progressing without a deadline is not final', replicas: 3, status: { ...complete(3), updatedReplicas: 1, conditions: [progressing('ReplicaSetUpdated')] }, ready: false, deadlineExceeded: false, message: '1 of 3' },
  { rule: 'fewer updated replicas than desired', replicas: 3, status: { ...complete(3), updatedReplicas: 2 }, ready: false, message: '2 of 3 replicas updated' },
  { rule: 'old replicas pending termination', replicas: 3, status: { ...complete(3), replicas: 5 }, ready: false, message: '2 old replicas' },
  { rule: 'an updated replica not available yet', replicas: 3, status: { ...complete(3), availableReplicas: 2 }, ready: false, message: '2 of 3' },
  { rule: 'threshold 50%: 2 of 4 available is enough', replicas: 4, status: { ...complete(4), availableReplicas: 2 }, threshold: 50, ready: true },
  { rule: 'threshold 50%: 1 of 4 available is not', replicas: 4, status: { ...complete(4), availableReplicas: 1 }, threshold: 50, ready: false, message: '1 of 4' },
  { rule: 'threshold 50% of 3 rounds up: 1 of 3 is not enough', replicas: 3, status: { ...complete(3), availableReplicas: 1 }, threshold: 50, ready: false },
  { rule: 'threshold 50% of 3 rounds up: 2 of 3 is enough', replicas: 3, status: { ...complete(3), availableReplicas: 2 }, threshold: 50, ready: true },
  { rule: 'threshold 0%: nothing needs to be available', replicas: 2, status: { ...complete(2), availableReplicas: 0 }, threshold: 0, ready: true },
  { rule: '0 replicas, rollout observed: ready (nothing to wait for)', replicas: 0, status: { observedGeneration: 2 }, ready: true },
  { rule: 'paused with a newer template held back: the pods that run are what serves, and they are available', replicas: 3, paused: true, status: { ...complete(3), updatedReplicas: 0 }, ready: true },
  { rule: 'paused: an unavailable pod still counts against it', replicas: 3, paused: true, status: { ...complete(3), updatedReplicas: 0, availableReplicas: 2 }, ready: false, message: '2 of 3 replicas available (paused)' },
  { rule: '0 replicas, old pods still terminating', replicas: 0, status: { observedGeneration: 2, replicas: 2, updatedReplicas: 0 }, ready: false, message: '2 old replicas' },
];

describe('deploymentReadiness', () => {
  it.each(rows)('$rule', (row) => {
    const obj = deploymentObject({ ...(row.replicas !== undefined ? { replicas: row.replicas } : {}), ...(row.paused ? { spec: { paused: true } } : {}) });
    obj.metadata.generation = row.generation ?? 2;
    if (row.status) obj.status = row.status;
    const readiness = deploymentReadiness(deployment.parse(obj), row.threshold ?? 100);
    expect(readiness.ready).toBe(row.ready);
    if (!readiness.ready) {
      expect(readiness.deadlineExceeded).toBe(row.deadlineExceeded ?? false);
      expect(readiness.message).not.toBe('');
      if (row.message) expect(readiness.message).toContain(row.message);
    }
  });
});
