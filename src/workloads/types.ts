import type { Canary } from '../api/index.js';
import type { WorkloadObservation } from '../engine/types.js';
import type { KubeObject, ObjectRef, ResourceType } from '../kube/types.js';

/** Reads from the informer caches: never a request to the API server. */
export interface ObjectReader {
  get(type: ResourceType, namespace: string, name: string): KubeObject | undefined;
  /** Fetches the content of objects the cache keeps only metadata of, before get() reads them. */
  ensureContent?(refs: readonly ObjectRef[]): Promise<void>;
}

export interface WorkloadView {
  target: WorkloadObservation;
  primary: WorkloadObservation;
  canaryReplicasWhenUp: number;
}

/** A target kind (Deployment, DaemonSet) behind one interface, chosen by a factory. */
export interface Workload {
  /** Throws WorkloadError when the target cannot be handled (its message goes into the Ready condition). */
  observe(canary: Canary): WorkloadView;
  createPrimary(canary: Canary): Promise<void>;
  /** Copies the target's template (and configs) to the primary. */
  promote(canary: Canary): Promise<void>;
  scaleCanary(canary: Canary, replicas: number): Promise<void>;
  /** Pauses (or resumes) the target's rollouts; pausing fails with a Conflict if `revision` is no longer its template. */
  pauseCanary(canary: Canary, paused: boolean, revision?: string): Promise<void>;
  /** The resource types observe() reads, so the controller can run informers for them. */
  readonly watches: ResourceType[];
  /** The objects observe() reads whose content the cache may hold only on demand (the target's ConfigMaps and Secrets). */
  reads(canary: Canary): ObjectRef[];
}

/** How `pennant run` was configured for the target kinds. */
export interface WorkloadOptions {
  /** `--include-label-prefix`: which of the target's own labels and annotations the primary gets. */
  includeLabelPrefix?: readonly string[];
}

export class WorkloadError extends Error {
  override readonly name: string = 'WorkloadError';
}
