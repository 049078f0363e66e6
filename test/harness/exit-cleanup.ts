import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

// What a test process leaves behind if it dies before stop(): our own child processes and temp dirs.

const running = new Set<ChildProcess>();
const dirs = new Set<string>();
/** Children spawned with `detached: true`: each leads its own process group, which signals reach whole. */
const groupLeaders = new WeakSet<ChildProcess>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const c of running) signal(c, 'SIGKILL');
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
}

/**
 * Kills a child we started if the test process exits without stopping it (a crashed worker, a
 * forgotten stop()), so no Prometheus or git http-backend outlives the run. Only our own children, by pid.
 */
export function killOnExit(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  hookExit();
}

/**
 * Like killOnExit, for a child spawned with `detached: true`: it and every process it started (a
 * server's workers, a wrapper's interpreter) are signalled as one process group, here and in terminate().
 */
export function killGroupOnExit(child: ChildProcess): void {
  groupLeaders.add(child);
  killOnExit(child);
}

function signal(child: ChildProcess, name: NodeJS.Signals): void {
  if (!groupLeaders.has(child) || child.pid === undefined) {
    child.kill(name);
    return;
  }
  try {
    process.kill(-child.pid, name);
  } catch {
    // the group is gone already
  }
}

/** Removes a temp dir if the test process exits without cleaning up; returns a function to call once it has. */
export function removeOnExit(dir: string): () => void {
  dirs.add(dir);
  hookExit();
  return () => dirs.delete(dir);
}

/** SIGTERM, then SIGKILL if it has not exited after `graceMs` (to its process group, if killGroupOnExit has it). */
export async function terminate(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signal(child, 'SIGTERM');
  const timer = setTimeout(() => signal(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  // The leader may go first; what it started must not outlive it.
  if (groupLeaders.has(child)) signal(child, 'SIGKILL');
}
