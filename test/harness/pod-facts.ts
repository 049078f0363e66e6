import { z } from 'zod';
import { behaviourOf, ERROR_RATE_ANNOTATION, LATENCY_ANNOTATION, type Behaviour } from '../../src/demo/traffic-annotations.js';
import type { KubeObject } from '../../src/kube/types.js';

type Labels = Record<string, string>;

export interface PodFacts {
  namespace: string;
  name: string;
  labels: Labels;
  /** Running, Ready and not terminating: what a Service's endpoints include. */
  ready: boolean;
  /** The pod's own sim annotations, when it carries any (see behaviourFor). */
  ownBehaviour: Behaviour | undefined;
}

export interface DeploymentFacts {
  name: string;
  matchLabels: Labels;
  behaviour: Behaviour;
}

const stringMap = z.record(z.string(), z.string());

const pod = z.object({
  metadata: z.object({
    name: z.string(),
    namespace: z.string().default('default'),
    labels: stringMap.optional(),
    annotations: stringMap.optional(),
    deletionTimestamp: z.string().optional(),
  }),
  status: z
    .object({
      phase: z.string().optional(),
      conditions: z.array(z.object({ type: z.string(), status: z.string() })).optional(),
    })
    .optional(),
});

export function podFacts(obj: KubeObject): PodFacts | undefined {
  const parsed = pod.safeParse(obj);
  if (!parsed.success) return undefined;
  const { metadata, status } = parsed.data;
  const annotations = metadata.annotations ?? {};
  const hasOwn = ERROR_RATE_ANNOTATION in annotations || LATENCY_ANNOTATION in annotations;
  return {
    namespace: metadata.namespace,
    name: metadata.name,
    labels: metadata.labels ?? {},
    ready:
      metadata.deletionTimestamp === undefined &&
      status?.phase === 'Running' &&
      (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    ownBehaviour: hasOwn ? behaviourOf(annotations) : undefined,
  };
}

const deployment = z.object({
  metadata: z.object({ name: z.string() }),
  spec: z.object({
    selector: z.object({ matchLabels: stringMap.optional() }),
    template: z.object({ metadata: z.object({ annotations: stringMap.optional() }).optional() }),
  }),
});

export function deploymentFacts(obj: KubeObject): DeploymentFacts | undefined {
  const parsed = deployment.safeParse(obj);
  if (!parsed.success) return undefined;
  const { metadata, spec } = parsed.data;
  return {
    name: metadata.name,
    matchLabels: spec.selector.matchLabels ?? {},
    behaviour: behaviourOf(spec.template.metadata?.annotations),
  };
}

const service = z.object({ spec: z.object({ selector: stringMap.optional() }) });

/** A Service's selector; undefined for a Service without one (its endpoints are managed by hand). */
export function serviceSelector(obj: KubeObject): Labels | undefined {
  const parsed = service.safeParse(obj);
  const selector = parsed.success ? parsed.data.spec.selector : undefined;
  return selector && Object.keys(selector).length > 0 ? selector : undefined;
}

export const selects = (selector: Labels, labels: Labels): boolean =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);
