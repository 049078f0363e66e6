import { expect } from 'vitest';
import { KubeError, type KubeErrorCode } from '../../src/kube/errors.js';
import type { KubeObject } from '../../src/kube/types.js';

/** Objects for the kube contract; valid for a real API server (which validates Deployments). */
export function configMap(namespace: string, name: string, data: Record<string, string>, labels?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, ...(labels ? { labels } : {}) }, data };
}

export function deployment(namespace: string, name: string, replicas = 1): KubeObject {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'app', image: 'registry.invalid/podinfo:6.0.0' }] },
      },
    },
  };
}

/** Asserts that `promise` rejects with a KubeError of `code`; returns the error. */
export async function expectKubeError(promise: Promise<unknown>, code: KubeErrorCode): Promise<KubeError> {
  const outcome = await promise.then(
    (value: unknown) => ({ ok: true as const, value }),
    (err: unknown) => ({ ok: false as const, err }),
  );
  if (outcome.ok) throw new Error(`expected KubeError ${code}, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.err).toBeInstanceOf(KubeError);
  const err = outcome.err as KubeError;
  expect(err.code, err.message).toBe(code);
  return err;
}

/** Retries `run` on Conflict: on a real cluster controllers write status too. */
export async function retryOnConflict<T>(run: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await run();
    } catch (err) {
      if (!(err instanceof KubeError && err.code === 'Conflict') || i >= attempts) throw err;
    }
  }
}
