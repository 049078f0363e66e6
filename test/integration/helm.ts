import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { KubeObject } from '../../src/kube/types.js';
import { REPO, yamlObjects } from './cluster.js';
import { clusterPath } from './service-account.js';

export const CHART = join(REPO, 'charts', 'pennant');

/** Real Helm, built from Go modules by test/cluster/build (cached like the control plane). */
export function helm(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(join(clusterPath('HELM_BIN'), 'helm'), [...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, HELM_CACHE_HOME: '/tmp/pennant-helm/cache', HELM_CONFIG_HOME: '/tmp/pennant-helm/config', HELM_DATA_HOME: '/tmp/pennant-helm/data' } });
  if (run.error) throw new Error(`helm could not run (test/cluster/build builds it): ${run.error.message}`);
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** `helm template` of the chart with `--set` values; throws with Helm's message when it refuses. */
export function renderChart(release: string, namespace: string, set: Record<string, string> = {}, extra: readonly string[] = []): KubeObject[] {
  const sets = Object.entries(set).flatMap(([key, value]) => ['--set', `${key}=${value}`]);
  const run = helm(['template', release, CHART, '--namespace', namespace, ...sets, ...extra]);
  if (run.status !== 0) throw new Error(run.stderr);
  return yamlObjects(run.stdout);
}

export function ofKind<T = KubeObject>(objects: readonly KubeObject[], kind: string): T[] {
  return objects.filter((o) => o.kind === kind) as T[];
}
