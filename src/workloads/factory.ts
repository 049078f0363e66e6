import type { Canary } from '../api/index.js';
import type { KubeClient } from '../kube/types.js';
import { DeploymentWorkload } from './deployment-target.js';
import { type ObjectReader, type Workload, WorkloadError, type WorkloadOptions } from './types.js';

/** One line per target kind. */
export function workloadFor(canary: Canary, kube: KubeClient, cache: ObjectReader, options: WorkloadOptions = {}): Workload {
  const kind = canary.spec.targetRef.kind;
  switch (kind) {
    case 'Deployment':
      return new DeploymentWorkload(kube, cache, options);
    case 'DaemonSet':
    case 'Service':
      throw new WorkloadError(`targetRef.kind ${kind} is not supported yet by this version of Pennant; use a Deployment`);
  }
}
