import { KubeError } from './errors.js';

/**
 * Prefixes a KubeError with the verb and the object it was about ("apply apps/v1 Deployment
 * test/podinfo: …") so every message names what failed. Other errors pass through unchanged.
 */
export function withContext(verb: string, what: string, err: unknown): unknown {
  if (!(err instanceof KubeError)) return err;
  return new KubeError(err.code, `${verb} ${what}: ${err.message}`, err.status, { cause: err });
}

export async function inContext<T>(verb: string, what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw withContext(verb, what, err);
  }
}
