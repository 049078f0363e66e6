import type { Canary } from '../api/index.js';
import type { KubeObject } from '../kube/types.js';
import { renameConfigRefs } from './configs.js';
import { includeByPrefix } from './copied-metadata.js';
import type { Deployment, HorizontalPodAutoscaler } from './k8s-types.js';
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
export function selectorLabel(target: Deployment, candidates = SELECTOR_LABELS): { key: string; value: string } {
  const matchLabels = target.spec.selector.matchLabels ?? {};
  for (const key of candidates) {
    const value = matchLabels[key];
    if (value) return { key, value };
  }
  throw new SelectorError(
    `Deployment ${target.metadata.namespace}/${target.metadata.name}: spec.selector.matchLabels has none of ${candidates.join(', ')}; ` +
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

export interface PrimaryInputs {
  canary: Canary;
  target: Deployment;
  /** Target pod-template hash (engine revision). */
  revision: string;
  /** `kind/name` of the tracked configs, whose references move to the `-primary` copies. */
  tracked: ReadonlySet<string>;
  configsChecksum: string;
  /** Current primary replicas (kept when an autoscaler owns them). */
  currentReplicas?: number;
  /** Prefixes of the target's own labels and annotations copied to the primary (`--include-label-prefix`). */
  includeLabelPrefix?: readonly string[];
}

/** `<target>-primary`: the target's pod template with selector labels and config refs rewritten. */
export function buildPrimary(inputs: PrimaryInputs): KubeObject {
  const { canary, target, revision, tracked, configsChecksum, currentReplicas, includeLabelPrefix = [] } = inputs;
  const label = selectorLabel(target);
  const primaryValue = `${label.value}-primary`;
  const template = structuredClone(target.spec.template);
  const labels = { ...(template.metadata?.labels ?? {}), [label.key]: primaryValue };
  const annotations = { ...(template.metadata?.annotations ?? {}), [REVISION_ANNOTATION]: revision, [CONFIGS_ANNOTATION]: configsChecksum };
  const spec = rewriteAffinity(renameConfigRefs(template.spec ?? {}, tracked), label.key, label.value, primaryValue);
  // A new primary never starts at 0: an HPA does not scale a Deployment up from 0 replicas.
  const replicas = canary.spec.autoscalerRef ? (currentReplicas ?? (target.spec.replicas || 1)) : (target.spec.replicas || currentReplicas || 1);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: primaryName(target.metadata.name ?? ''),
      namespace: target.metadata.namespace,
      labels: { ...includeByPrefix(target.metadata.labels, includeLabelPrefix), [label.key]: primaryValue },
      annotations: includeByPrefix(target.metadata.annotations, includeLabelPrefix),
      ownerReferences: [ownerReference(canary)],
    },
    spec: {
      replicas,
      selector: { matchLabels: { ...(target.spec.selector.matchLabels ?? {}), [label.key]: primaryValue } },
      template: { ...template, metadata: { ...(template.metadata ?? {}), labels, annotations }, spec },
      ...pick(target.spec, ['progressDeadlineSeconds', 'minReadySeconds', 'revisionHistoryLimit', 'strategy']),
    },
  };
}

function pick(source: Record<string, unknown>, keys: string[]): Record<string, unknown> {
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
