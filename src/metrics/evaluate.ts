import type { Canary, CanaryMetric, MetricTemplate } from '../api/index.js';
import type { CheckResult } from '../engine/types.js';
import { renderBuiltinQuery, builtinObserverFor } from './builtins.js';
import { MetricError } from './errors.js';
import { createMetricProvider } from './factory.js';
import { metricSource, type MetricSource } from './metric-source.js';
import { collapseWhitespace } from './prometheus.js';
import type { Credentials, MetricProvider } from './provider.js';
import { renderQuery } from './render.js';
import { buildTemplateVars, type TemplateVars } from './template-vars.js';
import { judge } from './thresholds.js';

type MaybePromise<T> = T | Promise<T>;

export interface EvaluateMetricsInput {
  canary: Canary;
  signal: AbortSignal;
  /** The controller's `--metrics-server` flag; `spec.metricsServer` wins. */
  metricsServer: string;
  /** The controller's `--provider` flag (Flagger's `-mesh-provider`); `spec.provider` wins. */
  meshProvider: string;
  getTemplate: (namespace: string, name: string) => MaybePromise<MetricTemplate | undefined>;
  /** Decoded `data` of a Secret. */
  getSecret: (namespace: string, name: string) => MaybePromise<Credentials | undefined>;
  /** Per-query timeout in ms (default 5000). */
  queryTimeoutMs?: number;
  /** False with `--no-cross-namespace-refs`: templateRef must stay in the Canary's namespace. */
  allowCrossNamespaceRefs?: boolean;
  /** Knative targets: the Service's latest created revision, used as `{{ route }}`. */
  knativeRevision?: string;
  /** Injected by tests (and later a batching layer). */
  createProvider?: typeof createMetricProvider;
}

/** A metric ready to run: where, what, and how to turn the answer into the value judged. */
interface PreparedQuery {
  provider: MetricProvider;
  query: string;
  /** Flagger turns builtin durations into a Go Duration, dropping fractions of a millisecond. */
  truncate: boolean;
}

/**
 * Evaluates all of a Canary's `analysis.metrics` concurrently. Never throws: every failure (missing
 * template or secret, render error, unreachable provider, …) is a CheckResult with verdict 'error'.
 */
export async function evaluateMetrics(input: EvaluateMetricsInput): Promise<CheckResult[]> {
  const metrics = input.canary.spec.analysis.metrics ?? [];
  const defaultProvider = memoize(() => buildDefaultProvider(input));
  return Promise.all(metrics.map((metric) => evaluateMetric(input, metric, defaultProvider)));
}

async function evaluateMetric(
  input: EvaluateMetricsInput,
  metric: CanaryMetric,
  defaultProvider: () => MetricProvider,
): Promise<CheckResult> {
  let prepared: PreparedQuery;
  try {
    prepared = await prepare(input, metric, metricSource(metric), defaultProvider);
  } catch (err) {
    return judge(asError(err), metric);
  }
  const query = collapseWhitespace(prepared.query);
  try {
    const value = await prepared.provider.query(prepared.query, input.signal);
    return judge(value !== null && prepared.truncate ? Math.trunc(value) : value, metric, query);
  } catch (err) {
    return judge(asError(err), metric, query);
  }
}

async function prepare(
  input: EvaluateMetricsInput,
  metric: CanaryMetric,
  source: MetricSource,
  defaultProvider: () => MetricProvider,
): Promise<PreparedQuery> {
  const vars = buildTemplateVars(input.canary, metric, { route: input.knativeRevision });
  switch (source.kind) {
    case 'builtin': {
      const observer = builtinObserverFor(input.canary, input.meshProvider);
      if (observer === 'knative' && input.knativeRevision === undefined) {
        throw new MetricError('Config', 'knative: the latest created revision of the Service is not known yet');
      }
      const query = renderBuiltinQuery(observer, source.metric, vars);
      return { provider: defaultProvider(), query, truncate: source.metric === 'request-duration' };
    }
    case 'inline':
      return { provider: defaultProvider(), query: renderQuery(source.query, vars), truncate: false };
    case 'template':
      return prepareTemplate(input, source.namespace ?? vars.namespace, source.name, vars);
    case 'none':
      throw new MetricError(
        'Config',
        `"${metric.name}" is not a builtin metric (request-success-rate, request-duration) and has no templateRef or query`,
      );
    default: {
      const unreachable: never = source;
      return unreachable;
    }
  }
}

async function prepareTemplate(
  input: EvaluateMetricsInput,
  namespace: string,
  name: string,
  vars: TemplateVars,
): Promise<PreparedQuery> {
  const ref = `MetricTemplate ${namespace}/${name}`;
  if (input.allowCrossNamespaceRefs === false && namespace !== vars.namespace) {
    throw new MetricError('Config', `${ref}: cross-namespace references are disabled (--no-cross-namespace-refs)`);
  }
  try {
    const template = await input.getTemplate(namespace, name);
    if (template === undefined) throw new MetricError('Config', 'not found');
    const { provider: spec, query } = template.spec;
    const credentials = spec.secretRef ? await input.getSecret(namespace, spec.secretRef.name) : undefined;
    if (spec.secretRef && credentials === undefined) {
      throw new MetricError('Config', `Secret ${namespace}/${spec.secretRef.name} (provider.secretRef) not found`);
    }
    const create = input.createProvider ?? createMetricProvider;
    const provider = create(spec, credentials, { defaultAddress: defaultAddress(input), timeoutMs: input.queryTimeoutMs });
    return { provider, query: renderQuery(query, vars), truncate: false };
  } catch (err) {
    const cause = asError(err);
    const code = cause instanceof MetricError ? cause.code : 'Config';
    throw new MetricError(code, `${ref}: ${cause.message}`, { cause });
  }
}

function buildDefaultProvider(input: EvaluateMetricsInput): MetricProvider {
  const create = input.createProvider ?? createMetricProvider;
  return create({ type: 'prometheus', address: defaultAddress(input) }, undefined, { timeoutMs: input.queryTimeoutMs });
}

const defaultAddress = (input: EvaluateMetricsInput): string => input.canary.spec.metricsServer ?? input.metricsServer;

/** Runs `build` once; later calls return its provider or rethrow its error. */
function memoize<T>(build: () => T): () => T {
  let result: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  return () => {
    if (result === undefined) {
      try {
        result = { ok: true, value: build() };
      } catch (error) {
        result = { ok: false, error };
      }
    }
    if (result.ok) return result.value;
    throw result.error;
  };
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));
