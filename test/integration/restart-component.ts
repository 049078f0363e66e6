import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitUntil } from '../harness/wait.js';

export type ControlPlaneComponent = 'etcd' | 'kube-apiserver';

/**
 * Stops one component of test/cluster's control plane (as a supervisor restarting it would)
 * and starts it again with the same command line, in its own session, logging to the same file. The
 * new pid goes in the pid file, so test/cluster/down still stops it. `clusterDir` is the state dir
 * (the kubeconfig's directory): only that cluster's process is touched.
 */
export async function restartComponent(clusterDir: string, name: ControlPlaneComponent): Promise<void> {
  const pidFile = join(clusterDir, 'pids', `${name}.pid`);
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  const [binary, ...args] = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  if (!binary) throw new Error(`no command line for ${name} (pid ${pid})`);
  await stop(pid, name);
  const log = openSync(join(clusterDir, 'logs', `${name}.log`), 'a');
  try {
    const child = spawn(binary, args, { detached: true, stdio: ['ignore', log, log] });
    if (child.pid === undefined) throw new Error(`${name} did not start again`);
    writeFileSync(pidFile, `${child.pid}\n`);
    child.unref();
  } finally {
    closeSync(log);
  }
}

/**
 * SIGTERM, then SIGKILL after a grace period as a kubelet would: kube-apiserver stops listening at
 * once but waits a minute for its open watches before it exits.
 */
async function stop(pid: number, name: string): Promise<void> {
  process.kill(pid, 'SIGTERM');
  const exited = await waitUntil(() => !alive(pid), { timeoutMs: GRACE_MS, what: `${name} to exit` }).catch(() => false);
  if (exited) return;
  process.kill(pid, 'SIGKILL');
  await waitUntil(() => !alive(pid), { timeoutMs: 30_000, what: `${name} (pid ${pid}) to exit after SIGKILL` });
}

const GRACE_MS = 10_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
