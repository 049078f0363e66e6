export type KubeErrorCode =
  | 'NotFound'
  | 'Conflict'
  | 'AlreadyExists'
  | 'Invalid'
  | 'Forbidden'
  | 'Unauthorized'
  | 'Gone'
  | 'Unavailable'
  | 'Unknown';

/** The single error type of the kube layer, converted at each implementation's edge. */
export class KubeError extends Error {
  override readonly name = 'KubeError';
  constructor(
    readonly code: KubeErrorCode,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const isNotFound = (err: unknown): boolean => err instanceof KubeError && err.code === 'NotFound';
export const isConflict = (err: unknown): boolean => err instanceof KubeError && err.code === 'Conflict';

export function codeForStatus(status: number, reason?: string): KubeErrorCode {
  switch (status) {
    case 401: return 'Unauthorized';
    case 403: return 'Forbidden';
    case 404: return 'NotFound';
    case 409: return reason === 'AlreadyExists' ? 'AlreadyExists' : 'Conflict';
    case 410: return 'Gone';
    case 422: return 'Invalid';
    case 429: case 500: case 502: case 503: case 504: return 'Unavailable';
    default: return 'Unknown';
  }
}
