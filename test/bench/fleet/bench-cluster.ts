import { spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../../integration/cluster.js';

/** The benchmark's own control plane: apart from the integration tier's, audited, sized for the fleet. */
export interface BenchCluster {
  kubeconfig: string;
  auditLog: string;
  /** A cluster-admin identity of its own per controller, so the audit log tells them apart. */
  userKubeconfig(user: string): string;
}

export const CONTROLLER_USERS = { pennant: 'pennant-bench', flagger: 'flagger-bench' } as const;

// PENNANT_BENCH_CLUSTER_DIR and PENNANT_BENCH_PORT_BASE let a second benchmark run beside the
// integration tier's smoke run of it (which uses these defaults).
const STATE_DIR = process.env.PENNANT_BENCH_CLUSTER_DIR ?? join(homedir(), '.cache/pennant/cluster-bench');
const PORT_BASE = Number(process.env.PENNANT_BENCH_PORT_BASE ?? 17650);
const port = (offset: number): string => String(PORT_BASE + offset);
const PODS_PER_NODE = 250;

function clusterEnv(canaries: number): NodeJS.ProcessEnv {
  // Each canary runs a primary pod and a canary pod (two while it rolls out).
  const nodes = Math.ceil((canaries * 3) / PODS_PER_NODE) + 1;
  return {
    ...process.env,
    PENNANT_CLUSTER_DIR: STATE_DIR,
    PENNANT_ETCD_PORT: port(0), PENNANT_ETCD_PEER_PORT: port(1), PENNANT_APISERVER_PORT: port(2),
    PENNANT_KCM_PORT: port(3), PENNANT_SCHEDULER_PORT: port(4), PENNANT_KWOK_PORT: port(5),
    // 3 Services per canary: a /16 holds 65,534.
    PENNANT_SERVICE_CIDR: '10.96.0.0/16',
    PENNANT_NODE_COUNT: String(nodes),
    PENNANT_MAX_PODS: String(PODS_PER_NODE),
    PENNANT_AUDIT_LOG: '1',
    PENNANT_CLIENT_USERS: Object.values(CONTROLLER_USERS).join(' '),
  };
}

function script(name: 'up' | 'down', env: NodeJS.ProcessEnv): string {
  const run = spawnSync(join(REPO, 'test/cluster', name), { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 50 * 60_000 });
  if (run.status !== 0) throw new Error(`test/cluster/${name} failed (exit ${run.status ?? run.signal}): ${run.stdout.slice(-2000)}`);
  return run.stdout;
}

/** A new, empty cluster: each controller measured starts from the same state. */
export function freshBenchCluster(canaries: number): BenchCluster {
  const env = clusterEnv(canaries);
  script('down', env);
  const last = script('up', env).trim().split('\n').pop() ?? '';
  if (!last.startsWith('KUBECONFIG=')) throw new Error(`test/cluster/up printed no KUBECONFIG= line: ${last}`);
  return {
    kubeconfig: last.slice('KUBECONFIG='.length),
    auditLog: join(STATE_DIR, 'logs/audit.log'),
    userKubeconfig: (user) => join(STATE_DIR, 'users', `${user}.kubeconfig`),
  };
}

export function stopBenchCluster(): void {
  script('down', clusterEnv(1));
}
