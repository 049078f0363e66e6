import { KubeError } from './errors.js';
import { TLS_ERROR } from './rest-client.js';

/**
 * A request that never got an HTTP answer: refused, no such host, timed out, TLS failed. The API
 * server may be down, or the kubeconfig may point at the wrong place; 5xx answers are 'Unavailable'
 * too, but with a status.
 */
export const isUnreachable = (err: unknown): boolean => err instanceof KubeError && err.code === 'Unavailable' && err.status === undefined;

/**
 * The error's message with what to do about it, told apart by cause: the server unreachable, the
 * credentials refused (401), RBAC missing (403), the API not served (404). Other errors keep their message.
 */
export function explainKubeFailure(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (!(err instanceof KubeError)) return message;
  if (isUnreachable(err)) {
    return TLS_ERROR.test(networkCode(err))
      ? `${message}; check the kubeconfig's certificate-authority and that its server name is in the server's certificate`
      : `${message}; check the kubeconfig's server address and that the API server is running`;
  }
  switch (err.code) {
    case 'Unauthorized':
      return `${message}; the API server did not accept the credentials (401 Unauthorized): check the kubeconfig's user (token, client certificate, exec plugin) or the ServiceAccount token`;
    case 'Forbidden':
      return `${message}; the controller's identity lacks permission (403 Forbidden): apply deploy/ (its ClusterRole lists every verb Pennant needs)`;
    case 'NotFound':
      return `${message}; is its API installed in the cluster (Pennant's CRDs: kubectl apply -k crds/)?`;
    default:
      return message;
  }
}

/** The system error's code (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT …) under the KubeErrors wrapping it. */
function networkCode(err: unknown): string {
  for (let at: unknown = err; at instanceof Error; at = at.cause) {
    const code = (at as { code?: unknown }).code;
    if (typeof code === 'string' && !(at instanceof KubeError)) return code;
  }
  return '';
}
