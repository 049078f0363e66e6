import { KubeError } from '../kube/errors.js';
import { explainKubeFailure, isUnreachable } from '../kube/failure-hint.js';
import type { KubeClient } from '../kube/types.js';
import { CANARY } from './reconciler.js';

export interface ApiCheckOptions {
  namespace?: string;
  /** Tries in all, when the server is unreachable or answers 5xx/429 (it may be restarting). */
  attempts: number;
  /** Wait before the second try; doubles after each. */
  firstBackoffMs: number;
  onRetry: (retry: { attempt: number; attempts: number; retryInMs: number; reason: string }) => void;
  sleep?: (ms: number) => Promise<void>;
}

/** Four tries over about 3.5 s: a pod whose API server is away exits and restarts with Kubernetes' back-off. */
export const DEFAULT_API_CHECK = { attempts: 4, firstBackoffMs: 500 } as const;

/** `pennant run` could not use the API server; the message says why and what to check. */
export class ApiServerError extends Error {
  override readonly name = 'ApiServerError';
}

/**
 * Before anything starts: can the controller list Canaries? One request tells apart the API server
 * unreachable (address, refused, timeout, TLS), the credentials refused (401), RBAC missing (403)
 * and the CRDs not installed (404). Unreachable and 5xx are retried a few times, each retry
 * logged with its reason; the rest cannot mend by waiting and fail at once.
 */
export async function checkApiServer(kube: KubeClient, options: ApiCheckOptions): Promise<void> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let backoff = options.firstBackoffMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await kube.list(CANARY, options.namespace ? { namespace: options.namespace } : {});
      return;
    } catch (err) {
      const reason = explainKubeFailure(err);
      if (!mayMend(err) || attempt >= options.attempts) {
        const tries = attempt > 1 ? ` (gave up after ${attempt} tries)` : '';
        throw new ApiServerError(`cannot use the API server: ${reason}${tries}`, { cause: err });
      }
      options.onRetry({ attempt, attempts: options.attempts, retryInMs: backoff, reason });
      await sleep(backoff);
      backoff *= 2;
    }
  }
}

const mayMend = (err: unknown): boolean => isUnreachable(err) || (err instanceof KubeError && err.code === 'Unavailable');
