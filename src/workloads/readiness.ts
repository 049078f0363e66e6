import type { Readiness } from '../engine/types.js';
import type { DaemonSet, Deployment } from './k8s-types.js';

/**
 * Whether a Deployment serves its current template: the rollout is observed, every replica is
 * updated, no old replica is left, and at least `thresholdPercent` of them are available.
 */
export function deploymentReadiness(d: Deployment, thresholdPercent = 100): Readiness {
  const status = d.status ?? {};
  const generation = d.metadata.generation ?? 0;
  if ((status.observedGeneration ?? 0) < generation) return waiting('the rollout has not been observed yet');
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { ready: false, message: `progress deadline exceeded: ${progressing.message ?? ''}`.trim(), deadlineExceeded: true };
  }
  const desired = d.spec.replicas ?? 1;
  // Paused (Pennant holds the pods that serve users): its pods are what runs, whatever the template says.
  if (d.spec.paused) return pausedReadiness(status, desired, thresholdPercent);
  const updated = status.updatedReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  if (updated < desired) return waiting(`${updated} of ${desired} replicas updated`);
  if ((status.replicas ?? 0) > updated) return waiting(`${(status.replicas ?? 0) - updated} old replicas pending termination`);
  const needed = Math.ceil((updated * thresholdPercent) / 100);
  if (available < needed) return waiting(`${available} of ${updated} updated replicas available`);
  return { ready: true };
}

function pausedReadiness(status: NonNullable<Deployment['status']>, desired: number, thresholdPercent: number): Readiness {
  const available = status.availableReplicas ?? 0;
  const needed = Math.ceil((desired * thresholdPercent) / 100);
  return available >= needed ? { ready: true } : waiting(`${available} of ${desired} replicas available (paused)`);
}

const waiting = (message: string): Readiness => ({ ready: false, message, deadlineExceeded: false });

/**
 * Whether a DaemonSet serves its current template, as Flagger's isDaemonSetReady (kubectl's rollout
 * status): the rollout is observed, every scheduled pod is updated, and at least `thresholdPercent`
 * of them are available. Unlike Flagger, a DaemonSet that schedules no pod at all is not ready: no
 * traffic goes to (and no analysis runs on) a workload that has no pod anywhere.
 */
export function daemonSetReadiness(ds: DaemonSet, thresholdPercent = 100): Readiness {
  const status = ds.status ?? {};
  if ((status.observedGeneration ?? 0) < (ds.metadata.generation ?? 0)) return waiting('the rollout has not been observed yet');
  const desired = status.desiredNumberScheduled ?? 0;
  if (desired === 0) return waiting('no node runs its pods (desiredNumberScheduled is 0): check its nodeSelector, affinity and tolerations');
  const updated = status.updatedNumberScheduled ?? 0;
  if (updated < desired) return waiting(`${updated} of ${desired} pods updated`);
  const available = status.numberAvailable ?? 0;
  const needed = Math.ceil((desired * thresholdPercent) / 100);
  if (available < needed) return waiting(`${available} of ${desired} updated pods available`);
  return { ready: true };
}
