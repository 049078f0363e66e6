import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

// What a test process leaves behind if it dies before stop(): our own child processes and temp dirs.

const running = new Set<ChildProcess>();
const dirs = new Set<string>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const c of running) c.kill('SIGKILL');
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

/** Removes a temp dir if the test process exits without cleaning up; returns a function to call once it has. */
export function removeOnExit(dir: string): () => void {
  dirs.add(dir);
  hookExit();
  return () => dirs.delete(dir);
}

/** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export async function terminate(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
