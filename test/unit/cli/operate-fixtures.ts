import type { CanaryStatus } from '../../../src/api/index.js';
import type { CliIo, Cluster } from '../../../src/cli/io.js';
import { main } from '../../../src/cli/main.js';
import type { KubeClient, KubeObject } from '../../../src/kube/types.js';

export const T0 = new Date('2026-12-02T10:00:00Z');
export const CANARY_TYPE = { apiVersion: 'pennant.dev/v1beta1', kind: 'Canary' } as const;

/** A Canary as the controller leaves it mid-analysis (or with `status`). */
export function canaryObject(namespace: string, name: string, status: CanaryStatus = {}, analysis: Record<string, unknown> = {}): KubeObject {
  return {
    ...CANARY_TYPE,
    metadata: { name, namespace },
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      service: { port: 9898 },
      analysis: { interval: '1m', threshold: 5, maxWeight: 50, stepWeight: 10, ...analysis },
    },
    status,
  };
}

export const midAnalysis: CanaryStatus = {
  phase: 'Progressing',
  canaryWeight: 20,
  failedChecks: 1,
  lastTransitionTime: '2026-12-02T09:58:30Z',
  checks: [
    { name: 'request-success-rate', kind: 'metric', verdict: 'pass', value: 99.82, min: 99, time: '2026-12-02T09:59:50Z' },
    { name: 'request-duration', kind: 'metric', verdict: 'fail', value: 612.5, max: 500, message: 'request-duration 612.5 > 500', time: '2026-12-02T09:59:50Z' },
  ],
};

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `pennant …` against `kube` as a test's terminal (or pipe); `io` adds to or replaces the outside world. */
export async function pennant(kube: KubeClient, args: string[], io: Partial<CliIo> = {}, cluster: Partial<Cluster> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'pennant', ...args], {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    connect: () => ({ kube, ...cluster }),
    now: () => T0,
    user: 'alice',
    ...io,
  });
  return { code, stdout, stderr };
}

/** Creates the Canary and writes its status as the controller would (status is a subresource). */
export async function seed(kube: KubeClient, obj: KubeObject): Promise<KubeObject> {
  const created = await kube.create(obj);
  if (!obj.status) return created;
  return kube.patchStatus({ ...CANARY_TYPE, namespace: obj.metadata.namespace ?? 'default', name: obj.metadata.name ?? '' }, obj.status, created.metadata.resourceVersion ?? '');
}
