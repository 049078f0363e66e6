/** Why an alert was not delivered; each code is a different thing to fix. */
export type NotifyErrorCode =
  | 'NotFound' // the AlertProvider or its Secret does not exist (or is not readable)
  | 'Config' // the AlertProvider, its Secret or a flag is wrong: no address, bad URL, unknown type
  | 'Http' // the receiver answered with a non-2xx status
  | 'Unreachable' // no connection (DNS, refused, reset, TLS)
  | 'Timeout'; // no answer in time

/**
 * The single error type of the notify module. Messages name the destination (`slack AlertProvider
 * ns/name`) and never hold its URL or token: a webhook URL is a credential. Library errors are not
 * kept as `cause` either, because axios errors carry the request config, URL and headers included.
 */
export class NotifyError extends Error {
  override readonly name = 'NotifyError';

  /** HTTP status of the answer, where there was one. */
  readonly status: number | undefined;
  /** The AlertProvider's type, once known (for the delivery counter). */
  readonly providerType: string | undefined;

  constructor(
    readonly code: NotifyErrorCode,
    message: string,
    options: { status?: number; providerType?: string } = {},
  ) {
    super(message);
    this.status = options.status;
    this.providerType = options.providerType;
  }
}

export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));
