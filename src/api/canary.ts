import { z } from 'zod';
import { canaryService } from './canary-service.js';
import { condition, crossNamespaceRef, duration, objectMeta, stringMap, stringMatch } from './common.js';
import { requestOutcome, VERBS } from './request.js';

export const API_GROUP = 'pennant.dev';
export const API_VERSION = 'v1beta1';
export const FLAGGER_GROUP = 'flagger.app';

/** Every provider Flagger's Canary accepts. Which of them this build can route is the router factory's call. */
export const PROVIDERS = [
  'apisix', 'appmesh', 'appmesh:v1beta2', 'contour', 'gatewayapi:v1', 'gatewayapi:v1beta1', 'gloo', 'istio',
  'knative', 'kubernetes', 'kuma', 'linkerd', 'nginx', 'osm', 'skipper', 'smi:v1alpha1', 'smi:v1alpha2',
  'smi:v1alpha3', 'traefik',
] as const;
export type Provider = (typeof PROVIDERS)[number];

export const HOOK_TYPES = [
  'confirm-rollout', 'pre-rollout', 'rollout', 'confirm-traffic-increase', 'confirm-promotion',
  'post-rollout', 'rollback', 'event',
] as const;
export type HookType = (typeof HOOK_TYPES)[number];

export const PHASES = [
  'Initializing', 'Initialized', 'Waiting', 'Progressing', 'WaitingPromotion', 'Promoting', 'Finalising',
  'Succeeded', 'Failed', 'Terminating', 'Terminated',
] as const;
export type Phase = (typeof PHASES)[number];

const targetRef = z.object({
  apiVersion: z.string().min(1),
  kind: z.enum(['Deployment', 'DaemonSet', 'Service']),
  name: z.string().min(1),
});

const autoscalerRef = z.object({
  apiVersion: z.string().min(1),
  kind: z.enum(['HorizontalPodAutoscaler', 'ScaledObject']),
  name: z.string().min(1),
  primaryScalerQueries: stringMap.optional(),
  primaryScalerReplicas: z
    .object({ minReplicas: z.number().int().min(1).optional(), maxReplicas: z.number().int().min(1).optional() })
    .optional(),
});

const typedRef = <K extends string>(kind: K) =>
  z.object({ apiVersion: z.string().min(1), kind: z.literal(kind), name: z.string().min(1), namespace: z.string().optional() });

export const canaryMetric = z.object({
  name: z.string().min(1).describe('Metric name; request-success-rate and request-duration are built in'),
  interval: duration.optional().describe('Range of the query, {{ interval }} in templates (default 1m)'),
  threshold: z.number().optional().describe('Deprecated: use thresholdRange'),
  thresholdRange: z.object({ min: z.number().optional(), max: z.number().optional() }).optional(),
  query: z.string().optional().describe('Deprecated inline PromQL; use templateRef'),
  templateRef: crossNamespaceRef.optional(),
  templateVariables: stringMap.optional(),
});
export type CanaryMetric = z.infer<typeof canaryMetric>;

export const canaryWebhook = z.object({
  name: z.string().min(1),
  type: z.enum(['', ...HOOK_TYPES]).optional().describe('Hook type; empty means rollout'),
  url: z.string().min(1),
  timeout: duration.optional().describe('Per-attempt timeout (default 10s)'),
  retries: z.number().int().min(0).optional(),
  disableTLS: z.boolean().optional(),
  muteAlert: z.boolean().optional(),
  metadata: stringMap.optional(),
  deadline: duration
    .optional()
    .describe('Pennant: how long a confirm-* gate may stay closed before the rollout is rejected'),
});
export type CanaryWebhook = z.infer<typeof canaryWebhook>;

export const canaryAlert = z.object({
  name: z.string().min(1),
  severity: z.enum(['', 'info', 'warn', 'error']).optional(),
  providerRef: crossNamespaceRef,
});

const sessionAffinity = z.object({
  cookieName: z.string().min(1),
  primaryCookieName: z.string().optional(),
  domain: z.string().optional(),
  httpOnly: z.boolean().optional(),
  maxAge: z.number().int().optional(),
  partitioned: z.boolean().optional(),
  path: z.string().optional(),
  sameSite: z.enum(['Strict', 'Lax', 'None']).optional(),
  secure: z.boolean().optional(),
});

const abMatch = z.object({
  headers: z.record(z.string(), stringMatch).optional(),
  queryParams: z.record(z.string(), stringMatch).optional(),
  sourceLabels: stringMap.optional(),
});

const weight = z.number().min(0).max(100);

export const canaryAnalysis = z.object({
  interval: duration.optional().describe('Time between analysis steps (default 1m, minimum 10s)'),
  threshold: z.number().int().min(1).optional().describe('Failed checks before rollback (default 1)'),
  iterations: z.number().int().min(0).optional().describe('Checks to run for A/B testing and blue/green'),
  maxWeight: z.number().min(1).max(100).optional().describe('Canary weight at which to promote (default 100)'),
  stepWeight: z.number().min(0).max(100).optional().describe('Weight added at each step'),
  stepWeights: z.array(weight).optional().describe('Weights to go through, ascending'),
  stepWeightPromotion: weight.optional().describe('Weight moved back to the primary per step during promotion'),
  mirror: z.boolean().optional(),
  mirrorWeight: weight.optional(),
  primaryReadyThreshold: weight.optional(),
  canaryReadyThreshold: weight.optional(),
  match: z.array(abMatch).optional().describe('A/B testing: requests that go to the canary'),
  sessionAffinity: sessionAffinity.optional(),
  metrics: z.array(canaryMetric).optional(),
  webhooks: z.array(canaryWebhook).optional(),
  alerts: z.array(canaryAlert).optional(),
});
export type CanaryAnalysis = z.infer<typeof canaryAnalysis>;

export const writeBackSpec = z
  .object({
    sourceRef: crossNamespaceRef
      .optional()
      .describe('GitSource to commit to (default: the GitSource that applied the target)'),
    onRollback: z.enum(['Revert', 'None']).optional().describe('Revert: restore the promoted version in Git (default)'),
    onPromotion: z.enum(['Record', 'None']).optional().describe('Record: annotate the Canary in Git with what was promoted (default Record)'),
    revert: z.enum(['Images', 'PodTemplate']).optional().describe('What a revert restores (default Images)'),
    messageTemplate: z.string().optional(),
  })
  .describe('Pennant: what to commit to Git when a rollout ends');

export const canarySpec = z.object({
  provider: z.enum(PROVIDERS).optional().describe('Traffic provider (default: the --provider flag)'),
  metricsServer: z.string().optional().describe('Prometheus URL for the builtin metrics'),
  progressDeadlineSeconds: z.number().int().min(1).optional(),
  targetRef,
  autoscalerRef: autoscalerRef.optional(),
  ingressRef: typedRef('Ingress').optional(),
  routeRef: typedRef('ApisixRoute').optional(),
  upstreamRef: typedRef('Upstream').optional(),
  service: canaryService.optional(),
  skipAnalysis: z.boolean().optional(),
  revertOnDeletion: z.boolean().optional(),
  suspend: z.boolean().optional(),
  analysis: canaryAnalysis,
  rollbackWindow: z
    .object({ revisions: z.number().int().min(1).max(50) })
    .optional()
    .describe('Pennant: returning to one of the last N promoted revisions is promoted without analysis'),
  writeBack: writeBackSpec.optional(),
});
export type CanarySpec = z.infer<typeof canarySpec>;

export const checkVerdict = z.enum(['pass', 'fail', 'noData', 'error']);
export type CheckVerdict = z.infer<typeof checkVerdict>;

export const checkStatus = z.object({
  name: z.string(),
  kind: z.enum(['metric', 'webhook']),
  verdict: checkVerdict,
  value: z.number().nullable().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  message: z.string().optional(),
  time: z.string(),
});
export type CheckStatus = z.infer<typeof checkStatus>;

export const canaryStatus = z.object({
  phase: z.enum(['', ...PHASES]).optional(),
  observedGeneration: z.number().optional(),
  failedChecks: z.number().optional(),
  canaryWeight: z.number().optional(),
  iterations: z.number().optional(),
  mirrored: z.boolean().optional(),
  trackedConfigs: stringMap.optional(),
  lastAppliedSpec: z.string().optional(),
  lastPromotedSpec: z.string().optional(),
  promotedRevisions: z.array(z.string()).optional().describe('Most recent first; feeds rollbackWindow'),
  lastTransitionTime: z.string().optional(),
  lastStepTime: z.string().optional().describe('When the last analysis step ran'),
  notReadySince: z.string().optional(),
  gate: z.object({ type: z.enum(HOOK_TYPES), since: z.string() }).optional(),
  queuedSince: z.string().optional(),
  skippedAnalysis: z.string().optional().describe('Why the running promotion skipped the analysis'),
  hooksStarted: z
    .object({ decision: z.string(), type: z.enum(['pre-rollout', 'rollout']), since: z.string() })
    .optional()
    .describe('Hooks being called for one decision: if the controller stops meanwhile, they are not called twice'),
  heldRevision: z.string().optional().describe('A new target revision that waits: the canary serves users since a promotion failed'),
  pendingWriteBack: z
    .object({
      outcome: z.enum(['promoted', 'rolledBack']),
      reason: z.string(),
      revision: z.string().describe('The pod-template hash Git must declare: the promoted one'),
      since: z.string(),
      attempts: z.number(),
      lastError: z.string().optional(),
      nextAttempt: z.string().optional(),
    })
    .optional()
    .describe('An outcome not yet written back to Git; retried until it is'),
  lastWriteBack: z
    .object({ outcome: z.enum(['promoted', 'rolledBack']), time: z.string(), message: z.string(), commit: z.string().optional() })
    .optional(),
  checks: z.array(checkStatus).optional().describe('Results of the last analysis step'),
  lastRequest: z
    .object({
      id: z.string(),
      verb: z.enum(VERBS).optional().describe('Absent when the annotation could not be read'),
      by: z.string().optional(),
      outcome: requestOutcome,
      message: z.string(),
      time: z.string(),
    })
    .optional()
    .describe('The last request of the pennant.dev/request annotation (pennant promote, abort…) and what came of it'),
  fullPromotion: z.boolean().optional().describe('pennant promote --full: traffic goes back to the primary in one step, without stepWeightPromotion'),
  sessionAffinityCookie: z.string().optional(),
  primarySessionAffinityCookie: z.string().optional(),
  previousSessionAffinityCookie: z.string().optional(),
  conditions: z.array(condition).optional(),
});
export type CanaryStatus = z.infer<typeof canaryStatus>;

export const canary = z.object({
  apiVersion: z.string(),
  kind: z.literal('Canary'),
  metadata: objectMeta,
  spec: canarySpec,
  status: canaryStatus.optional(),
});
export type Canary = z.infer<typeof canary>;
