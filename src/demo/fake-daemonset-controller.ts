import type { KubeClient, KubeObject } from '../kube/types.js';
import { canonicalJson } from '../workloads/revision.js';
import { runsUnready, type Template } from './fake-deployment-controller.js';

const DAEMONSET = { apiVersion: 'apps/v1', kind: 'DaemonSet' };

/** The in-memory cluster's nodes: none has a label, so any nodeSelector (scale-to-zero's too) admits none. */
export const FAKE_NODES = 2;

/**
 * Plays Kubernetes' DaemonSet controller for the in-memory cluster, as FakeDeploymentController
 * plays the Deployment one: every template change rolls out at once to one pod on each of
 * FAKE_NODES unlabelled nodes (none if the template has a nodeSelector), and every pod becomes
 * available unless the sim annotations say its pods never become ready.
 */
export class FakeDaemonSetController {
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly kube: KubeClient) {}

  async start(): Promise<void> {
    const informer = this.kube.informer(DAEMONSET);
    await informer.start();
    for (const ds of informer.list()) await this.sync(ds);
    this.unsubscribe = informer.onChange((type, obj) => {
      if (type !== 'DELETED') void this.sync(obj).catch(() => undefined);
    });
  }

  stop(): void {
    this.unsubscribe?.();
  }

  private async sync(ds: KubeObject): Promise<void> {
    const desired = statusOf(ds);
    const current = (ds.status ?? {}) as Record<string, unknown>;
    if (Object.entries(desired).every(([field, value]) => canonicalJson(value) === canonicalJson(current[field]))) return;
    await this.kube.patchStatus({ ...DAEMONSET, namespace: ds.metadata.namespace, name: ds.metadata.name ?? '' }, desired, ds.metadata.resourceVersion ?? '');
  }
}

function statusOf(ds: KubeObject): Record<string, unknown> {
  const template = ((ds.spec as { template?: Template } | undefined)?.template ?? {}) as Template & { spec?: { nodeSelector?: Record<string, string> } };
  const nodes = Object.keys(template.spec?.nodeSelector ?? {}).length > 0 ? 0 : FAKE_NODES;
  const available = runsUnready(ds, template) ? 0 : nodes;
  return {
    observedGeneration: ds.metadata.generation ?? 1,
    desiredNumberScheduled: nodes,
    currentNumberScheduled: nodes,
    updatedNumberScheduled: nodes,
    numberReady: available,
    numberAvailable: available,
  };
}
