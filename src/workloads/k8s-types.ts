import { z } from 'zod';
import { objectMeta, stringMap } from '../api/common.js';

/** The parts of Kubernetes objects Pennant reads; everything else passes through untouched. */
export const podTemplate = z.looseObject({
  metadata: z.looseObject({ labels: stringMap.optional(), annotations: stringMap.optional() }).optional(),
  spec: z.looseObject({}).optional(),
});
export type PodTemplate = z.infer<typeof podTemplate>;

const deploymentCondition = z.looseObject({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
  lastUpdateTime: z.string().optional(),
});

export const deployment = z.looseObject({
  apiVersion: z.string(),
  kind: z.literal('Deployment'),
  metadata: objectMeta,
  spec: z.looseObject({
    replicas: z.number().int().optional(),
    selector: z.looseObject({ matchLabels: stringMap.optional() }),
    template: podTemplate,
    progressDeadlineSeconds: z.number().optional(),
    minReadySeconds: z.number().optional(),
    revisionHistoryLimit: z.number().optional(),
    strategy: z.looseObject({}).optional(),
    paused: z.boolean().optional(),
  }),
  status: z
    .looseObject({
      observedGeneration: z.number().optional(),
      replicas: z.number().optional(),
      updatedReplicas: z.number().optional(),
      readyReplicas: z.number().optional(),
      availableReplicas: z.number().optional(),
      unavailableReplicas: z.number().optional(),
      conditions: z.array(deploymentCondition).optional(),
    })
    .optional(),
});
export type Deployment = z.infer<typeof deployment>;

export const daemonSet = z.looseObject({
  apiVersion: z.string(),
  kind: z.literal('DaemonSet'),
  metadata: objectMeta,
  spec: z.looseObject({
    selector: z.looseObject({ matchLabels: stringMap.optional() }),
    template: podTemplate,
    minReadySeconds: z.number().optional(),
    revisionHistoryLimit: z.number().optional(),
    updateStrategy: z.looseObject({ type: z.string().optional() }).optional(),
  }),
  status: z
    .looseObject({
      observedGeneration: z.number().optional(),
      desiredNumberScheduled: z.number().optional(),
      currentNumberScheduled: z.number().optional(),
      updatedNumberScheduled: z.number().optional(),
      numberReady: z.number().optional(),
      numberAvailable: z.number().optional(),
    })
    .optional(),
});
export type DaemonSet = z.infer<typeof daemonSet>;

/** What every target kind has: pods made from a template, picked by a selector (routers read only this). */
export const podController = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: objectMeta,
  spec: z.looseObject({
    selector: z.looseObject({ matchLabels: stringMap.optional() }),
    template: podTemplate,
  }),
});
export type PodController = z.infer<typeof podController>;

export const configMap = z.looseObject({
  apiVersion: z.string(),
  kind: z.literal('ConfigMap'),
  metadata: objectMeta,
  data: stringMap.optional(),
  binaryData: stringMap.optional(),
});
export type ConfigMap = z.infer<typeof configMap>;

export const secret = z.looseObject({
  apiVersion: z.string(),
  kind: z.literal('Secret'),
  metadata: objectMeta,
  type: z.string().optional(),
  data: stringMap.optional(),
  stringData: stringMap.optional(),
});
export type Secret = z.infer<typeof secret>;

export const horizontalPodAutoscaler = z.looseObject({
  apiVersion: z.string(),
  kind: z.literal('HorizontalPodAutoscaler'),
  metadata: objectMeta,
  spec: z.looseObject({
    scaleTargetRef: z.looseObject({ apiVersion: z.string().optional(), kind: z.string(), name: z.string() }),
    minReplicas: z.number().int().optional(),
    maxReplicas: z.number().int(),
    metrics: z.array(z.unknown()).optional(),
    behavior: z.unknown().optional(),
  }),
});
export type HorizontalPodAutoscaler = z.infer<typeof horizontalPodAutoscaler>;
