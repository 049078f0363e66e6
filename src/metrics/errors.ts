/** Why a metric could not be evaluated; each code maps to a different thing for the user to fix. */
export type MetricErrorCode =
  | 'Unreachable' // no connection to the provider (DNS, refused, TLS)
  | 'Timeout' // the provider did not answer in time
  | 'Aborted' // the caller cancelled (controller shutting down, reconcile superseded)
  | 'BadResponse' // an answer that is not the provider's API (HTML page, HTTP error, malformed JSON)
  | 'QueryError' // the provider rejected the query, or its result is not one number
  | 'Render' // the query template could not be rendered
  | 'Config' // the provider spec, credentials or references are wrong
  | 'Unsupported'; // a provider type or metric this build cannot evaluate

/** The single error type of the metrics module, converted at each provider's edge. */
export class MetricError extends Error {
  override readonly name = 'MetricError';
  /** HTTP status of the provider's answer, where there was one. */
  readonly status: number | undefined;

  constructor(
    readonly code: MetricErrorCode,
    message: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.status = options?.status;
  }
}

export const isMetricError = (err: unknown): err is MetricError => err instanceof MetricError;

export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));
