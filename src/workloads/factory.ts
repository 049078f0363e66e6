import { type Canary, unsupportedTargetKind } from '../api/index.js';
import type { KubeClient } from '../kube/types.js';
import { DaemonSetWorkload } from './daemonset-target.js';
import { DeploymentWorkload } from './deployment-target.js';
import { type ObjectReader, type Workload, WorkloadError, type WorkloadOptions } from './types.js';

/** One line per target kind of the capability table's SUPPORTED_TARGET_KINDS (a unit test checks both agree). */
export function workloadFor(canary: Canary, kube: KubeClient, cache: ObjectReader, options: WorkloadOptions = {}): Workload {
  const kind = canary.spec.targetRef.kind;
  switch (kind) {
    case 'Deployment':
      return new DeploymentWorkload(kube, cache, options);
    case 'DaemonSet':
      return new DaemonSetWorkload(kube, cache, options);
    case 'Service':
      throw new WorkloadError(unsupportedTargetKind(kind));
  }
}
