import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { KubeObject } from '../../src/kube/types.js';
import { fixturesDir, swapApiVersion } from '../unit/api/flagger-examples.js';

/** Flagger's e2e DaemonSet Canaries (`test/kubernetes/test-daemonset.sh`): the 2nd adds revertOnDeletion. */
export type DaemonSetCanaryFile = 'kubernetes-daemonset-1.yaml' | 'kubernetes-daemonset-2.yaml';

export interface Placement {
  namespace: string;
  /** Instead of Flagger's 15s, so a test runs its 5 iterations in seconds. */
  interval: string;
  /** Where the webhooks go instead of flagger-loadtester.test (a stand-in answering 200). */
  hookUrl: string;
}

/** `podinfo-ds` as Flagger's e2e suite deploys it (test/fixtures/flagger/workloads/daemonset.yaml). */
export function flaggerDaemonSet(namespace: string): KubeObject {
  const ds = parse(readFileSync(path.join(fixturesDir, 'workloads', 'daemonset.yaml'), 'utf8')) as KubeObject;
  return { ...ds, metadata: { ...ds.metadata, namespace } };
}

/** The e2e Canary, apiVersion swapped as a user migrating does; only its namespace, interval and hook URLs are moved. */
export function flaggerDaemonSetCanary(file: DaemonSetCanaryFile, at: Placement): KubeObject {
  const canary = parse(swapApiVersion(readFileSync(path.join(fixturesDir, 'e2e', file), 'utf8'))) as KubeObject;
  const spec = canary.spec as { analysis: { interval: string; webhooks: { url: string }[] } };
  spec.analysis.interval = at.interval;
  for (const hook of spec.analysis.webhooks) hook.url = at.hookUrl;
  return { ...canary, metadata: { ...canary.metadata, namespace: at.namespace } };
}
