import type { KubeClient, KubeObject } from '../kube/types.js';

const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' };
export const UNREADY_ANNOTATION = 'sim.pennant.dev/unready';

/**
 * Plays Kubernetes' Deployment controller for the in-memory cluster: every spec change is rolled
 * out at once and every replica becomes available, unless the pod template carries
 * `sim.pennant.dev/unready: "true"`, whose pods never become ready.
 */
export class FakeDeploymentController {
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly kube: KubeClient) {}

  async start(): Promise<void> {
    const informer = this.kube.informer(DEPLOYMENT);
    await informer.start();
    for (const d of informer.list()) await this.sync(d);
    this.unsubscribe = informer.onChange((type, obj) => {
      if (type !== 'DELETED') void this.sync(obj).catch(() => undefined);
    });
  }

  stop(): void {
    this.unsubscribe?.();
  }

  private async sync(d: KubeObject): Promise<void> {
    const spec = d.spec as { replicas?: number; template?: { metadata?: { annotations?: Record<string, string> } } };
    const status = (d.status ?? {}) as { observedGeneration?: number };
    const generation = d.metadata.generation ?? 1;
    if (status.observedGeneration === generation) return;
    const replicas = spec.replicas ?? 1;
    const unready = spec.template?.metadata?.annotations?.[UNREADY_ANNOTATION] === 'true';
    const available = unready ? 0 : replicas;
    await this.kube.patchStatus({ ...DEPLOYMENT, namespace: d.metadata.namespace, name: d.metadata.name ?? '' }, {
      observedGeneration: generation,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: available,
      availableReplicas: available,
      conditions: [
        { type: 'Available', status: available >= replicas ? 'True' : 'False', reason: available >= replicas ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable' },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
      ],
    }, d.metadata.resourceVersion ?? '');
  }
}
