import { spawn, type SpawnOptions } from 'node:child_process';
import { killOnExit } from '../harness/exit-cleanup.js';

/** The status of GET <path>, or 0 when the controller does not answer within 5 s. */
export async function statusOf(port: number, path: string): Promise<number> {
  return fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.status, () => 0);
}

export interface ControllerProcess {
  /** The port `pennant run --port 0` chose, from its "serving" log line. */
  port: number;
  output: () => string;
  /** SIGTERM, then the exit code. */
  stop: () => Promise<number | null>;
  /** SIGKILL of its whole process group, as a node's OOM killer or a lost VM would: no shutdown runs. Resolves once it is gone. */
  kill: () => Promise<void>;
  /** Resolves with the exit code (null when a signal ended it). */
  exited: Promise<number | null>;
}

/** Starts `pennant run …` (whatever `command` runs it) and waits until it says where it serves. */
export async function startController(command: string, args: readonly string[], options: SpawnOptions = {}): Promise<ControllerProcess> {
  // Its own process group, so kill() takes anything it started with it.
  const child = spawn(command, [...args], { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  killOnExit(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const stop = async (): Promise<number | null> => {
    child.kill('SIGTERM');
    // A controller that does not stop within its grace period is a failure, not a hung test.
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    return exited.finally(() => clearTimeout(killer));
  };
  const kill = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    await exited;
  };
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline && child.exitCode === null) {
    const match = /"port":(\d+),"msg":"serving/.exec(output);
    if (match) return { port: Number(match[1]), output: () => output, stop, kill, exited };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`pennant run did not start serving (exit ${child.exitCode}): ${output.slice(-3000)}`);
}
