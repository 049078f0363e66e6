import type { Canary } from '../api/index.js';
import type { KubeObject } from '../kube/types.js';
import { renameConfigRefs } from './configs.js';
import { includeByPrefix } from './copied-metadata.js';
import type { Deployment, HorizontalPodAutoscaler, PodController, PodTemplate } from './k8s-types.js';
import { WorkloadError } from './types.js';

/** Flagger's default -selector-labels: the first one the target's selector uses is rewritten. */
export const SELECTOR_LABELS = ['app', 'name', 'app.kubernetes.io/name'];
export const REVISION_ANNOTATION = 'pennant.dev/revision';
/** On the target while Pennant keeps it paused (it serves users as the canary). */
export const PAUSED_ANNOTATION = 'pennant.dev/paused';
export const CONFIGS_ANNOTATION = 'pennant.dev/configs-checksum';

export const primaryName = (target: string): string => `${target}-primary`;

/** The target's selector has no label that can tell primary pods from canary pods. */
export class SelectorError extends WorkloadError {}

/** The label that tells primary pods from canary pods, and its value on the target. */
export function selectorLabel(target: PodController, candidates = SELECTOR_LABELS): { key: string; value: string } {
  const matchLabels = target.spec.selector.matchLabels ?? {};
  for (const key of candidates) {
    const value = matchLabels[key];
    if (value) return { key, value };
  }
  throw new SelectorError(
    `${target.kind} ${target.metadata.namespace}/${target.metadata.name}: spec.selector.matchLabels has none of ${candidates.join(', ')}; ` +
      `add one of them (e.g. app: ${target.metadata.name}) to the selector and the pod labels`,
  );
}

export function ownerReference(canary: Canary) {
  return {
    apiVersion: canary.apiVersion,
    kind: 'Canary',
    name: canary.metadata.name ?? '',
    uid: canary.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** What every primary is made from, whatever the target's kind. */
export interface PrimaryTemplateInputs {
  canary: Canary;
  /** Target pod-template hash (engine revision). */
  revision: string;
  /** `kind/name` of the tracked configs, whose references move to the `-primary` copies. */
  tracked: ReadonlySet<string>;
  configsChecksum: string;
  /** Prefixes of the target's own labels and annotations copied to the primary (`--include-label-prefix`). */
  includeLabelPrefix?: readonly string[];
}

export interface PrimaryInputs extends PrimaryTemplateInputs {
  target: Deployment;
  /** Current primary replicas (kept when an autoscaler owns them). */
  currentReplicas?: number;
}

/** `<target>-primary`: the target's pod template with selector labels and config refs rewritten. */
export function buildPrimary(inputs: PrimaryInputs): KubeObject {
  const { canary, target, currentReplicas } = inputs;
  const parts = primaryParts(target, target.spec.template, inputs);
  // A new primary never starts at 0: an HPA does not scale a Deployment up from 0 replicas.
  const replicas = canary.spec.autoscalerRef ? (currentReplicas ?? (target.spec.replicas || 1)) : (target.spec.replicas || currentReplicas || 1);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: parts.metadata,
    spec: {
      replicas,
      selector: parts.selector,
      template: parts.template,
      ...pick(target.spec, ['progressDeadlineSeconds', 'minReadySeconds', 'revisionHistoryLimit', 'strategy']),
    },
  };
}

export interface PrimaryParts {
  metadata: KubeObject['metadata'];
  selector: { matchLabels: Record<string, string> };
  template: PodTemplate;
}

/**
 * The metadata, selector and pod template of `<target>-primary`, for any target kind: `template` is
 * the target's (a kind may take out what is its own, as a DaemonSet's scale-to-zero nodeSelector).
 */
export function primaryParts(target: PodController, template: PodTemplate, inputs: PrimaryTemplateInputs): PrimaryParts {
  const { canary, revision, tracked, configsChecksum, includeLabelPrefix = [] } = inputs;
  const label = selectorLabel(target);
  const primaryValue = `${label.value}-primary`;
  const copy = structuredClone(template);
  const labels = { ...(copy.metadata?.labels ?? {}), [label.key]: primaryValue };
  const annotations = { ...(copy.metadata?.annotations ?? {}), [REVISION_ANNOTATION]: revision, [CONFIGS_ANNOTATION]: configsChecksum };
  const spec = rewriteAffinity(renameConfigRefs(copy.spec ?? {}, tracked), label.key, label.value, primaryValue);
  return {
    metadata: {
      name: primaryName(target.metadata.name ?? ''),
      namespace: target.metadata.namespace,
      labels: { ...includeByPrefix(target.metadata.labels, includeLabelPrefix), [label.key]: primaryValue },
      annotations: includeByPrefix(target.metadata.annotations, includeLabelPrefix),
      ownerReferences: [ownerReference(canary)],
    },
    selector: { matchLabels: { ...(target.spec.selector.matchLabels ?? {}), [label.key]: primaryValue } },
    template: { ...copy, metadata: { ...(copy.metadata ?? {}), labels, annotations }, spec: spec as Record<string, unknown> },
  };
}

export function pick(source: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => source[k] !== undefined).map((k) => [k, source[k]]));
}

/** Anti-affinity and topology spread that name the target's pods must name the primary's pods instead. */
function rewriteAffinity(podSpec: unknown, key: string, from: string, to: string): unknown {
  const text = JSON.stringify(podSpec);
  if (!text.includes('labelSelector')) return podSpec;
  const spec = JSON.parse(text) as Record<string, unknown>;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    const selector = record.labelSelector as { matchLabels?: Record<string, string> } | undefined;
    if (selector?.matchLabels?.[key] === from) selector.matchLabels[key] = to;
    Object.values(record).forEach(visit);
  };
  visit(spec.affinity);
  visit(spec.topologySpreadConstraints);
  return spec;
}

/** `<hpa>-primary`, scaling `<target>-primary` the way the target's HPA scales the target. */
export function buildPrimaryAutoscaler(canary: Canary, hpa: HorizontalPodAutoscaler): KubeObject {
  const overrides = canary.spec.autoscalerRef?.primaryScalerReplicas;
  const minReplicas = overrides?.minReplicas ?? hpa.spec.minReplicas;
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: {
      name: `${hpa.metadata.name}-primary`,
      namespace: hpa.metadata.namespace,
      labels: hpa.metadata.labels ?? {},
      ownerReferences: [ownerReference(canary)],
    },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: primaryName(canary.spec.targetRef.name) },
      ...(minReplicas !== undefined ? { minReplicas } : {}),
      maxReplicas: overrides?.maxReplicas ?? hpa.spec.maxReplicas,
      ...(hpa.spec.metrics ? { metrics: hpa.spec.metrics } : {}),
      ...(hpa.spec.behavior ? { behavior: hpa.spec.behavior } : {}),
    },
  };
}
