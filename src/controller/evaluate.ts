import type { Canary, CanaryWebhook, MetricTemplate } from '../api/index.js';
import { metricTemplate } from '../api/index.js';
import type { Evaluation, Observation } from '../engine/index.js';
import type { ResourceType } from '../kube/types.js';
import type { WriteBack } from '../gitops/index.js';
import type { Logger } from 'pino';
import { evaluateMetrics, type EvaluateMetricsInput, joinMetricBatches, type MetricBatcher, MetricError } from '../metrics/index.js';
import { callWebhook, type HookCaller, runHooks } from '../webhooks/index.js';
import { secret } from '../workloads/k8s-types.js';
import type { ClusterCache } from './cluster-cache.js';
import type { ControllerConfig } from './config.js';
import { manifestFindings } from './rules.js';

export const METRIC_TEMPLATE: ResourceType = { apiVersion: 'pennant.dev/v1beta1', kind: 'MetricTemplate' };
export const SECRET: ResourceType = { apiVersion: 'v1', kind: 'Secret' };

export interface EvaluatorDeps {
  cache: ClusterCache;
  config: ControllerConfig;
  writeBack: WriteBack;
  /** Replaced in tests; by default a real HTTP call. */
  callHook?: HookCaller;
  /** One per controller: builtin checks of canaries sharing a backend and interval become one query per step. */
  batcher?: MetricBatcher;
  logger?: Pick<Logger, 'debug'>;
}

/** Answers the engine's questions: runs the webhooks of one type, or queries every metric. */
export async function evaluate(
  deps: EvaluatorDeps,
  canary: Canary,
  evaluation: Evaluation,
  obs: Observation,
  signal: AbortSignal,
  keyFor?: (hook: CanaryWebhook) => string,
  /** For metrics: the step's time, which the queries are evaluated at. */
  at?: string,
): Promise<Observation> {
  if (evaluation === 'metrics') {
    const metrics = await evaluateMetrics({ ...metricsInput(deps, canary), signal, ...(at ? { at: new Date(at) } : {}) });
    return { ...obs, metrics };
  }
  if (evaluation === 'writeBack') {
    const pending = canary.status?.pendingWriteBack;
    if (!pending) throw new Error('the engine asked for a write-back with none pending');
    return { ...obs, writeBack: await deps.writeBack.apply(canary, pending, signal) };
  }
  const call = deps.callHook ?? ((hook, payload, options) => callWebhook(hook, payload, { signal, ...options }));
  const results = await runHooks(canary, evaluation, canary.status?.phase ?? '', call, keyFor);
  return { ...obs, hooks: { ...obs.hooks, [evaluation]: results } };
}

/** How this controller asks a Canary's metrics, whatever the step. */
function metricsInput(deps: EvaluatorDeps, canary: Canary): Omit<EvaluateMetricsInput, 'signal'> {
  return {
    canary,
    metricsServer: deps.config.metricsServer,
    meshProvider: deps.config.provider,
    queryTimeoutMs: deps.config.queryTimeoutMs,
    allowCrossNamespaceRefs: !deps.config.denyCrossNamespaceRefs,
    getTemplate: (ns, name) => readTemplate(deps.cache, ns, name),
    getSecret: (ns, name) => readSecret(deps.cache, ns, name),
    ...(deps.batcher ? { batcher: deps.batcher } : {}),
    ...(deps.logger ? { debug: (message: string, fields: Record<string, unknown>) => deps.logger?.debug({ canary: `${canary.metadata.namespace}/${canary.metadata.name}`, ...fields }, message) } : {}),
  };
}

/** After a step is set (`lastStepTime`): the canary joins the batches its next step will ask through. */
export function expectMetricStep(deps: EvaluatorDeps, canary: Canary, stepTime: string): void {
  if (!deps.batcher) return;
  joinMetricBatches({ ...metricsInput(deps, canary), at: new Date(stepTime), batcher: deps.batcher });
}

/**
 * A MetricTemplate from the cache, or undefined when there is none. One that `pennant validate` would
 * reject (a blank query, a provider type this build cannot query) throws with validate's words, so the
 * failed check says what to fix rather than "not found".
 */
export function readTemplate(cache: Pick<ClusterCache, 'get'>, namespace: string, name: string): MetricTemplate | undefined {
  const raw = cache.get(METRIC_TEMPLATE, namespace, name);
  if (!raw) return undefined;
  const { errors } = manifestFindings(raw);
  const parsed = metricTemplate.safeParse(raw);
  if (errors.length > 0 || !parsed.success) throw new MetricError('Config', `invalid: ${errors.join('; ') || String(parsed.error)}`);
  return parsed.data;
}

/** Decoded data of a Secret; values never leave this process except as credentials. */
export async function readSecret(cache: ClusterCache, namespace: string, name: string): Promise<Record<string, string> | undefined> {
  const parsed = secret.safeParse(await cache.content(SECRET, namespace, name));
  if (!parsed.success) return undefined;
  const decoded: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed.data.data ?? {})) decoded[key] = Buffer.from(value, 'base64').toString('utf8');
  return { ...decoded, ...(parsed.data.stringData ?? {}) };
}
