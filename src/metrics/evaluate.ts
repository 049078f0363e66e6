import type { Canary, CanaryMetric, MetricTemplate } from '../api/index.js';
import type { CheckResult } from '../engine/types.js';
import { BATCHED_QUERIES, batchable, itemKey } from './batch-queries.js';
import type { BatchRequest, MetricBatcher, VectorQuery } from './batcher.js';
import type { BuiltinMetric, BuiltinObserver } from './builtin-queries.js';
import { renderBuiltinQuery, builtinObserverFor } from './builtins.js';
import { parseDuration } from '../engine/duration.js';
import { MetricError } from './errors.js';
import { createMetricProvider } from './factory.js';
import { metricSource, type MetricSource } from './metric-source.js';
import { collapseWhitespace, PrometheusProvider } from './prometheus.js';
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
  /** False with `--deny-cross-namespace-refs`: templateRef must stay in the Canary's namespace. */
  allowCrossNamespaceRefs?: boolean;
  /** Knative targets: the Service's latest created revision, used as `{{ route }}`. */
  knativeRevision?: string;
  /** Injected by tests. */
  createProvider?: typeof createMetricProvider;
  /** The time of the analysis step: queries are evaluated at it (so batched and single queries agree). */
  at?: Date;
  /** Shared by all canaries: builtin checks of canaries with the same backend and interval become one query. */
  batcher?: MetricBatcher;
  /** Why a check was not batched (debug). */
  debug?: (message: string, fields: Record<string, unknown>) => void;
}

/** A metric ready to run: where, what, and how to turn the answer into the value judged. */
interface PreparedQuery {
  provider: MetricProvider;
  query: string;
  /** Flagger turns builtin durations into a Go Duration, dropping fractions of a millisecond. */
  truncate: boolean;
  /** Set when the check is answered by a batch of canaries (the query above is what it equals). */
  batch?: Omit<BatchRequest, 'run'> & { run: VectorQuery };
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

/**
 * Joins the batches the Canary's builtin checks will be asked through, without asking: called when
 * a step is set, so the next step's first query covers this canary too. Checks that are not batched
 * (templates, inline queries, names with regex characters) have nothing to join.
 */
export function joinMetricBatches(input: Omit<EvaluateMetricsInput, 'signal'> & { at: Date; batcher: MetricBatcher }): void {
  const defaultProvider = memoize(() => buildDefaultProvider(input));
  for (const metric of input.canary.spec.analysis.metrics ?? []) {
    const source = metricSource(metric);
    if (source.kind !== 'builtin') continue;
    const observer = builtinObserverFor(input.canary, input.meshProvider);
    if (observer === 'knative' && input.knativeRevision === undefined) continue;
    const vars = buildTemplateVars(input.canary, metric, { route: input.knativeRevision });
    try {
      const batch = batchOf(input, observer, source.metric, vars, defaultProvider());
      if (batch) input.batcher.join(batch);
    } catch {
      // A provider that cannot be built fails the check when it is asked, with its own message.
    }
  }
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
    const value = prepared.batch && input.batcher
      ? await input.batcher.value(prepared.batch, input.signal)
      : await prepared.provider.query(prepared.query, input.signal, input.at);
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
      const provider = defaultProvider();
      const batch = batchOf(input, observer, source.metric, vars, provider);
      return { provider, query, truncate: source.metric === 'request-duration', ...(batch ? { batch } : {}) };
    }
    case 'inline':
      return { provider: defaultProvider(), query: renderQuery(source.query, vars), truncate: false };
    case 'template':
      if (input.batcher) input.debug?.('MetricTemplate check queried alone: only builtin metrics are batched', { metric: metric.name, template: `${source.namespace ?? vars.namespace}/${source.name}` });
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
    throw new MetricError('Config', `${ref}: cross-namespace references are disabled (--deny-cross-namespace-refs)`);
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
    const provider = create(spec, credentials, { defaultAddress: defaultAddress(input), timeoutMs: input.queryTimeoutMs, intervalMs: parseDuration(vars.interval) });
    return { provider, query: renderQuery(query, vars), truncate: false };
  } catch (err) {
    const cause = asError(err);
    const code = cause instanceof MetricError ? cause.code : 'Config';
    throw new MetricError(code, `${ref}: ${cause.message}`, { cause });
  }
}

function buildDefaultProvider(input: Omit<EvaluateMetricsInput, 'signal'>): MetricProvider {
  const create = input.createProvider ?? createMetricProvider;
  return create({ type: 'prometheus', address: defaultAddress(input) }, undefined, { timeoutMs: input.queryTimeoutMs });
}

const defaultAddress = (input: Pick<EvaluateMetricsInput, 'canary' | 'metricsServer'>): string => input.canary.spec.metricsServer ?? input.metricsServer;

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

/** The batch a builtin check joins, if its observer has a grouped query and its names batch safely. */
function batchOf(input: Omit<EvaluateMetricsInput, 'signal'>, observer: BuiltinObserver, metric: BuiltinMetric, vars: TemplateVars, provider: MetricProvider): PreparedQuery['batch'] {
  const grouped = BATCHED_QUERIES[observer]?.[metric];
  const item = { namespace: vars.namespace, target: vars.target };
  const intervalMs = parseDuration(vars.interval);
  if (!input.batcher || !input.at || !grouped || !(provider instanceof PrometheusProvider) || intervalMs === undefined) return undefined;
  if (!batchable(item)) {
    input.debug?.('builtin check queried alone: names with regex characters are not batched', { metric, item: itemKey(item) });
    return undefined;
  }
  return {
    key: `${defaultAddress(input)}|${observer}|${metric}|${vars.interval}`,
    query: grouped,
    interval: vars.interval,
    intervalMs,
    at: input.at,
    item,
    run: (query, signal, at) => provider.queryVector(query, signal, at),
  };
}
