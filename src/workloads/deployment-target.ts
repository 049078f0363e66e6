import type { Canary } from '../api/index.js';
import type { WorkloadObservation } from '../engine/types.js';
import { KubeError } from '../kube/errors.js';
import type { KubeClient, ObjectRef, ResourceType } from '../kube/types.js';
import { type Deployment, deployment, horizontalPodAutoscaler } from './k8s-types.js';
import { buildPrimary, buildPrimaryAutoscaler, PAUSED_ANNOTATION, primaryName, REVISION_ANNOTATION, SelectorError } from './primary.js';
import { deploymentReadiness } from './readiness.js';
import { readParsed } from './read.js';
import { hashPodTemplate } from './revision.js';
import { applyPrimaryConfigs, CONFIGMAP, configReads, primaryConfigInputs, SECRET, trackedChecksums, trackedConfigs } from './tracked-configs.js';
import { type ObjectReader, type Workload, WorkloadError, type WorkloadOptions, type WorkloadView } from './types.js';

const DEPLOYMENT: ResourceType = { apiVersion: 'apps/v1', kind: 'Deployment' };
const HPA: ResourceType = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' };

export const MISSING: WorkloadObservation = { exists: false, replicas: 0, readiness: { ready: false, message: 'not found', deadlineExceeded: false } };

/** A Deployment target: `<name>-primary` is made from it, and it is the canary itself. */
export class DeploymentWorkload implements Workload {
  readonly watches = [DEPLOYMENT, CONFIGMAP, SECRET, HPA];

  constructor(
    private readonly kube: KubeClient,
    private readonly cache: ObjectReader,
    private readonly options: WorkloadOptions = {},
  ) {}

  observe(canary: Canary): WorkloadView {
    const ns = namespaceOf(canary);
    const target = this.readDeployment(ns, canary.spec.targetRef.name);
    if (!target) return { target: MISSING, primary: MISSING, canaryReplicasWhenUp: 1 };
    const configs = trackedConfigs(this.cache, target);
    const primary = this.readDeployment(ns, primaryName(canary.spec.targetRef.name));
    const analysis = canary.spec.analysis;
    return {
      target: {
        exists: true,
        revision: hashPodTemplate(target.spec.template),
        trackedConfigs: trackedChecksums(configs),
        replicas: target.spec.replicas ?? 1,
        readiness: deploymentReadiness(target, analysis.canaryReadyThreshold ?? 100),
        paused: target.spec.paused ?? false,
        pausedByPennant: target.metadata.annotations?.[PAUSED_ANNOTATION] !== undefined,
      },
      primary: primary
        ? {
            exists: true,
            revision: primary.spec.template.metadata?.annotations?.[REVISION_ANNOTATION],
            replicas: primary.spec.replicas ?? 1,
            readiness: deploymentReadiness(primary, analysis.primaryReadyThreshold ?? 100),
          }
        : MISSING,
      canaryReplicasWhenUp: this.canaryReplicasWhenUp(canary, target, primary),
    };
  }

  reads(canary: Canary): ObjectRef[] {
    const ns = namespaceOf(canary);
    const target = this.readDeployment(ns, canary.spec.targetRef.name);
    return target ? configReads(target) : [];
  }

  async createPrimary(canary: Canary): Promise<void> {
    await this.applyPrimary(canary);
  }

  async promote(canary: Canary): Promise<void> {
    await this.applyPrimary(canary);
  }

  async scaleCanary(canary: Canary, replicas: number): Promise<void> {
    // A merge patch, not an apply: replicas stay owned by whoever declared them (Git), we only move them.
    await this.kube.patch({ ...DEPLOYMENT, namespace: namespaceOf(canary), name: canary.spec.targetRef.name }, { spec: { replicas } });
  }

  /**
   * Pausing carries the resourceVersion the template was read at: if the template changed since the
   * decision (revision), or the Deployment since the cache read, it is a Conflict and nothing moves.
   */
  async pauseCanary(canary: Canary, paused: boolean, revision?: string): Promise<void> {
    const ns = namespaceOf(canary);
    const name = canary.spec.targetRef.name;
    const target = this.readDeployment(ns, name);
    if (!target) throw new WorkloadError(`Deployment ${ns}/${name} not found`);
    if (paused && revision !== undefined && hashPodTemplate(target.spec.template) !== revision) {
      throw new KubeError('Conflict', `Deployment ${ns}/${name}: its pod template changed since the decision to route users to it`, 409);
    }
    const metadata = paused
      ? { resourceVersion: target.metadata.resourceVersion, annotations: { [PAUSED_ANNOTATION]: 'true' } }
      : { annotations: { [PAUSED_ANNOTATION]: null } };
    await this.kube.patch({ ...DEPLOYMENT, namespace: ns, name }, { metadata, spec: { paused: paused ? true : null } });
  }

  private async applyPrimary(canary: Canary): Promise<void> {
    const ns = namespaceOf(canary);
    const target = this.readDeployment(ns, canary.spec.targetRef.name);
    if (!target) throw new WorkloadError(`Deployment ${ns}/${canary.spec.targetRef.name} not found`);
    await this.cache.ensureContent?.(this.reads(canary));
    const configs = trackedConfigs(this.cache, target);
    await applyPrimaryConfigs(this.kube, canary, configs);
    const current = this.readDeployment(ns, primaryName(canary.spec.targetRef.name));
    const primary = buildPrimary({
      canary,
      target,
      revision: hashPodTemplate(target.spec.template),
      ...primaryConfigInputs(configs),
      ...(current?.spec.replicas !== undefined ? { currentReplicas: current.spec.replicas } : {}),
      ...(this.options.includeLabelPrefix ? { includeLabelPrefix: this.options.includeLabelPrefix } : {}),
    });
    await this.kube.apply(primary, { force: true });
    await this.applyPrimaryAutoscaler(canary);
  }

  private async applyPrimaryAutoscaler(canary: Canary): Promise<void> {
    const ref = canary.spec.autoscalerRef;
    if (!ref) return;
    if (ref.kind !== 'HorizontalPodAutoscaler') throw new WorkloadError(`autoscalerRef kind ${ref.kind} is not supported yet; use HorizontalPodAutoscaler`);
    const raw = this.cache.get(HPA, namespaceOf(canary), ref.name);
    if (!raw) throw new WorkloadError(`HorizontalPodAutoscaler ${namespaceOf(canary)}/${ref.name} (spec.autoscalerRef) not found`);
    await this.kube.apply(buildPrimaryAutoscaler(canary, horizontalPodAutoscaler.parse(raw)), { force: true });
  }

  private readDeployment(namespace: string, name: string): Deployment | undefined {
    return readParsed(this.cache, DEPLOYMENT, deployment, namespace, name);
  }

  /** Flagger's order: the target's own replicas, else the HPA minimum, else the primary's, else 1. */
  private canaryReplicasWhenUp(canary: Canary, target: Deployment, primary: Deployment | undefined): number {
    if ((target.spec.replicas ?? 0) > 0) return target.spec.replicas ?? 1;
    const ref = canary.spec.autoscalerRef;
    if (ref?.kind === 'HorizontalPodAutoscaler') {
      const hpa = horizontalPodAutoscaler.safeParse(this.cache.get(HPA, namespaceOf(canary), ref.name));
      if (hpa.success) return Math.max(1, hpa.data.spec.minReplicas ?? 1);
    }
    return Math.max(1, primary?.spec.replicas ?? 1);
  }
}

export const namespaceOf = (canary: Canary): string => canary.metadata.namespace ?? 'default';

export { SelectorError };
