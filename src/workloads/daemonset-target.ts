import type { Canary } from '../api/index.js';
import type { WorkloadObservation } from '../engine/types.js';
import type { KubeClient, KubeObject, ObjectRef, ResourceType } from '../kube/types.js';
import { isScaledToZero, scaleToZeroPatch, withoutScaleToZero } from './daemonset-nodes.js';
import { MISSING, namespaceOf } from './deployment-target.js';
import { type DaemonSet, daemonSet } from './k8s-types.js';
import { pick, primaryName, primaryParts, type PrimaryTemplateInputs, REVISION_ANNOTATION } from './primary.js';
import { daemonSetReadiness } from './readiness.js';
import { readParsed } from './read.js';
import { hashPodTemplate } from './revision.js';
import { applyPrimaryConfigs, CONFIGMAP, configReads, primaryConfigInputs, SECRET, trackedChecksums, trackedConfigs } from './tracked-configs.js';
import { type ObjectReader, type Workload, WorkloadError, type WorkloadOptions, type WorkloadView } from './types.js';

export const DAEMONSET: ResourceType = { apiVersion: 'apps/v1', kind: 'DaemonSet' };

/**
 * A DaemonSet is either on (one pod on every node it selects) or off (scaled to zero): the
 * engine's replicas are 1 or 0, and 1 is what scaling up asks for.
 */
const ON = 1;

/**
 * A DaemonSet target, as Flagger runs one: `<name>-primary` is made from it, it is the canary
 * itself, and it is scaled to zero with a nodeSelector no node has (daemonset-nodes.ts).
 */
export class DaemonSetWorkload implements Workload {
  readonly watches = [DAEMONSET, CONFIGMAP, SECRET];

  constructor(
    private readonly kube: KubeClient,
    private readonly cache: ObjectReader,
    private readonly options: WorkloadOptions = {},
  ) {}

  observe(canary: Canary): WorkloadView {
    const ns = namespaceOf(canary);
    const target = this.readTarget(ns, canary.spec.targetRef.name);
    if (!target) return { target: MISSING, primary: MISSING, canaryReplicasWhenUp: ON };
    const configs = trackedConfigs(this.cache, target);
    const primary = this.readDaemonSet(ns, primaryName(canary.spec.targetRef.name));
    const analysis = canary.spec.analysis;
    return {
      target: {
        exists: true,
        revision: hashPodTemplate(withoutScaleToZero(target.spec.template)),
        trackedConfigs: trackedChecksums(configs),
        replicas: isScaledToZero(target.spec.template) ? 0 : ON,
        readiness: daemonSetReadiness(target, analysis.canaryReadyThreshold ?? 100),
        // No spec.paused: a template pushed while it serves users reaches them, as with Flagger.
        pausable: false,
      },
      primary: primary ? primaryObservation(primary, analysis.primaryReadyThreshold ?? 100) : MISSING,
      canaryReplicasWhenUp: ON,
    };
  }

  reads(canary: Canary): ObjectRef[] {
    const target = this.readTarget(namespaceOf(canary), canary.spec.targetRef.name);
    return target ? configReads(target) : [];
  }

  async createPrimary(canary: Canary): Promise<void> {
    await this.applyPrimary(canary);
  }

  async promote(canary: Canary): Promise<void> {
    await this.applyPrimary(canary);
  }

  async scaleCanary(canary: Canary, replicas: number): Promise<void> {
    // A merge patch of the one nodeSelector key: the rest of the template stays whoever declared it.
    await this.kube.patch({ ...DAEMONSET, namespace: namespaceOf(canary), name: canary.spec.targetRef.name }, scaleToZeroPatch(replicas > 0));
  }

  /** The engine never asks (the observation says it is not pausable); resuming is trivially done. */
  async pauseCanary(canary: Canary, paused: boolean): Promise<void> {
    if (paused) throw new WorkloadError(`DaemonSet ${namespaceOf(canary)}/${canary.spec.targetRef.name} cannot be paused: a DaemonSet has no spec.paused`);
    await Promise.resolve();
  }

  private async applyPrimary(canary: Canary): Promise<void> {
    const ns = namespaceOf(canary);
    const target = this.readTarget(ns, canary.spec.targetRef.name);
    if (!target) throw new WorkloadError(`DaemonSet ${ns}/${canary.spec.targetRef.name} not found`);
    await this.cache.ensureContent?.(this.reads(canary));
    const configs = trackedConfigs(this.cache, target);
    await applyPrimaryConfigs(this.kube, canary, configs);
    await this.kube.apply(buildPrimaryDaemonSet(target, {
      canary,
      revision: hashPodTemplate(withoutScaleToZero(target.spec.template)),
      ...primaryConfigInputs(configs),
      ...(this.options.includeLabelPrefix ? { includeLabelPrefix: this.options.includeLabelPrefix } : {}),
    }), { force: true });
  }

  /** The target, refused as Flagger refuses it when its pods would not follow the scale-to-zero selector. */
  private readTarget(namespace: string, name: string): DaemonSet | undefined {
    const target = this.readDaemonSet(namespace, name);
    const strategy = target?.spec.updateStrategy?.type;
    if (strategy !== undefined && strategy !== 'RollingUpdate') {
      throw new WorkloadError(
        `DaemonSet ${namespace}/${name}: spec.updateStrategy.type is ${strategy}; it must be RollingUpdate (its pods must follow the template to be scaled to zero and back)`,
      );
    }
    return target;
  }

  private readDaemonSet(namespace: string, name: string): DaemonSet | undefined {
    return readParsed(this.cache, DAEMONSET, daemonSet, namespace, name);
  }
}

function primaryObservation(primary: DaemonSet, thresholdPercent: number): WorkloadObservation {
  return {
    exists: true,
    revision: primary.spec.template.metadata?.annotations?.[REVISION_ANNOTATION],
    replicas: ON,
    readiness: daemonSetReadiness(primary, thresholdPercent),
  };
}

/** `<target>-primary`: the target's pod template (without the scale-to-zero selector), labels and config refs rewritten. */
export function buildPrimaryDaemonSet(target: DaemonSet, inputs: PrimaryTemplateInputs): KubeObject {
  const parts = primaryParts(target, withoutScaleToZero(target.spec.template), inputs);
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: parts.metadata,
    spec: {
      selector: parts.selector,
      template: parts.template,
      ...pick(target.spec, ['minReadySeconds', 'revisionHistoryLimit', 'updateStrategy']),
    },
  };
}
