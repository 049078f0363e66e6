import type { MetricTemplateSpec } from '../api/index.js';

/**
 * A metrics backend. `query` returns the single number a query evaluates to, or null when there is no
 * data (empty result, NaN, ±Inf); anything else rejects with a MetricError.
 *
 * The query is an opaque string so that a later batching layer (one PromQL query for every canary
 * sharing a template and interval) can sit in front of a provider without changing this interface.
 */
export interface MetricProvider {
  readonly type: MetricProviderType;
  /** `at`: evaluate the query at that time where the backend can (Prometheus' `time`). */
  query(query: string, signal: AbortSignal, at?: Date): Promise<number | null>;
  /** True when the provider answers a trivial query correctly; rejects with a MetricError otherwise. */
  isOnline(signal: AbortSignal): Promise<boolean>;
}

export type MetricProviderSpec = MetricTemplateSpec['provider'];
export type MetricProviderType = MetricProviderSpec['type'];

/** Decoded data of the Secret named by `provider.secretRef`. */
export type Credentials = Readonly<Record<string, string>>;

export interface ProviderOptions {
  /** Used when the spec has no address: `spec.metricsServer`, else the `--metrics-server` flag. */
  defaultAddress?: string;
  /** Per-query timeout in ms (default 5000, like Flagger). */
  timeoutMs?: number | undefined;
  /** The check's interval: providers that ask for a time range (Datadog, CloudWatch…) size it from this. */
  intervalMs?: number | undefined;
}

/** Without an interval (a provider built outside an analysis), ranges are sized from one minute. */
export const DEFAULT_INTERVAL_MS = 60_000;

/** The range a provider that asks for one (Datadog, CloudWatch, Dynatrace, Splunk) queries: ten intervals ending at the step, as Flagger does. */
export function queryWindowMs(options: ProviderOptions): number {
  return 10 * (options.intervalMs ?? DEFAULT_INTERVAL_MS);
}

export const DEFAULT_QUERY_TIMEOUT_MS = 5_000;
