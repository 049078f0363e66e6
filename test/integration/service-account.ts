import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { REPO } from './cluster.js';

/** A path test/cluster/lib.sh defines (the pinned binaries live there, not here). */
export function clusterPath(variable: 'K8S_BIN' | 'HELM_BIN'): string {
  const run = spawnSync('bash', ['-c', `source test/cluster/lib.sh && printf %s "$${variable}"`], { cwd: REPO, encoding: 'utf8' });
  if (run.status !== 0 || !run.stdout) throw new Error(`test/cluster/lib.sh does not define ${variable}: ${run.stderr}`);
  return run.stdout;
}

export function kubectl(kubeconfig: string, args: readonly string[], input?: string): string {
  const run = spawnSync(join(clusterPath('K8S_BIN'), 'kubectl'), ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8', timeout: 120_000, ...(input === undefined ? {} : { input }) });
  if (run.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout;
}

interface KubeconfigFile {
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data'?: string } }[];
}

/**
 * A kubeconfig that authenticates with a bound token of the ServiceAccount, as a pod mounting that
 * account's token would: the cluster's address and CA from the admin kubeconfig, no client cert.
 */
export function serviceAccountKubeconfig(admin: string, namespace: string, name: string, file: string): string {
  const token = kubectl(admin, ['create', 'token', name, '-n', namespace, '--duration', '1h']).trim();
  const view = parse(kubectl(admin, ['config', 'view', '--raw', '--minify', '--flatten'])) as KubeconfigFile;
  const cluster = view.clusters[0];
  if (!cluster) throw new Error(`no cluster in ${admin}`);
  const user = `system:serviceaccount:${namespace}:${name}`;
  writeFileSync(file, stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [cluster],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: user, context: { cluster: cluster.name, user, namespace } }],
    'current-context': user,
  }), { mode: 0o644 });
  return file;
}
