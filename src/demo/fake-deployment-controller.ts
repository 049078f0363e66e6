import type { KubeClient, KubeObject } from '../kube/types.js';
import { canonicalJson } from '../workloads/revision.js';

const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' };
export const UNREADY_ANNOTATION = 'sim.pennant.dev/unready';
/** On a Deployment: its pods running this image never become ready (no room for them, say). */
export const UNREADY_IMAGE_ANNOTATION = 'sim.pennant.dev/unready-image';

export type Template = { metadata?: { annotations?: Record<string, string> }; spec?: { containers?: { image?: string }[] } };
interface DeploymentSpec { replicas?: number; paused?: boolean; template?: Template }

/**
 * Plays Kubernetes' Deployment controller for the in-memory cluster: every spec change is rolled
 * out at once and every replica becomes available, unless the pod template carries
 * `sim.pennant.dev/unready: "true"`, whose pods never become ready (nor do a Deployment's pods that run
 * the image its `sim.pennant.dev/unready-image` names). A paused Deployment keeps
 * running the template it had (it is still scaled), as the real controller does.
 */
export class FakeDeploymentController {
  private unsubscribe: (() => void) | undefined;
  /** The pod template each Deployment's pods run, by `namespace/name`. */
  private readonly running = new Map<string, Template>();

  constructor(private readonly kube: KubeClient) {}

  async start(): Promise<void> {
    const informer = this.kube.informer(DEPLOYMENT);
    await informer.start();
    for (const d of informer.list()) await this.sync(d);
    this.unsubscribe = informer.onChange((type, obj) => {
      if (type === 'DELETED') this.running.delete(keyOf(obj));
      else void this.sync(obj).catch(() => undefined);
    });
  }

  stop(): void {
    this.unsubscribe?.();
  }

  /** What the pods of a Deployment run (its template, unless a pause held an older one back). */
  runningTemplate(namespace: string, name: string): Template | undefined {
    return this.running.get(`${namespace}/${name}`);
  }

  private async sync(d: KubeObject): Promise<void> {
    const spec = d.spec as DeploymentSpec;
    const key = keyOf(d);
    if (!spec.paused || !this.running.has(key)) this.running.set(key, spec.template ?? {});
    const desired = this.statusOf(d, this.running.get(key) ?? {});
    const current = (d.status ?? {}) as Record<string, unknown>;
    if (Object.entries(desired).every(([field, value]) => canonicalJson(value) === canonicalJson(current[field]))) return;
    await this.kube.patchStatus({ ...DEPLOYMENT, namespace: d.metadata.namespace, name: d.metadata.name ?? '' }, desired, d.metadata.resourceVersion ?? '');
  }

  private statusOf(d: KubeObject, runs: Template): Record<string, unknown> {
    const spec = d.spec as DeploymentSpec;
    const replicas = spec.replicas ?? 1;
    const upToDate = canonicalJson(runs) === canonicalJson(spec.template ?? {});
    const available = runsUnready(d, runs) ? 0 : replicas;
    return {
      observedGeneration: d.metadata.generation ?? 1,
      replicas,
      updatedReplicas: upToDate ? replicas : 0,
      readyReplicas: available,
      availableReplicas: available,
      conditions: [
        { type: 'Available', status: available >= replicas ? 'True' : 'False', reason: available >= replicas ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable' },
        spec.paused
          ? { type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused' }
          : { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
      ],
    };
  }
}

/** The sim annotations' verdict: pods of this workload running `runs` never become ready. */
export function runsUnready(workload: KubeObject, runs: Template): boolean {
  const stuckImage = workload.metadata.annotations?.[UNREADY_IMAGE_ANNOTATION];
  return runs.metadata?.annotations?.[UNREADY_ANNOTATION] === 'true' || (runs.spec?.containers ?? []).some((c) => c.image === stuckImage);
}

const keyOf = (d: KubeObject): string => `${d.metadata.namespace ?? 'default'}/${d.metadata.name ?? ''}`;
