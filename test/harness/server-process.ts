import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { killGroupOnExit } from './exit-cleanup.js';

// Starting a real server for a test: its output in a log file, and a bounded wait for it to answer.

export interface ServerCommand {
  command: string;
  args: readonly string[];
  /** stdout and stderr are appended here. */
  logFile: string;
  cwd?: string;
  /** Added to the test process's environment. */
  env?: Record<string, string>;
}

/** Spawns a server in its own process group (stop it with terminate()), killed with the test process. */
export function spawnServer({ command, args, logFile, cwd, env }: ServerCommand): ChildProcess {
  const log = openSync(logFile, 'a');
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', log, log], detached: true });
  closeSync(log);
  killGroupOnExit(child);
  return child;
}

export type Readiness = 'ready' | 'exited' | 'timeout';

/** Polls `probe` (true once the server answers) until it does, the server exits, or `timeoutMs` pass. */
export async function untilReady(child: ChildProcess, probe: () => Promise<boolean>, timeoutMs: number): Promise<Readiness> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return 'exited';
    try {
      if (await probe()) return 'ready';
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return 'timeout';
}

/** An HTTP probe for untilReady: the URL answers 2xx. */
export const answersOk = (url: string) => async (): Promise<boolean> => (await fetch(url)).ok;

/** The last lines of a server's log, for the error when it does not start. */
export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Why a server did not start, with its log's last lines. */
export function notStarted(what: string, outcome: Exclude<Readiness, 'ready'>, child: ChildProcess, logFile: string): Error {
  const how = outcome === 'exited' ? `exited with ${child.exitCode ?? child.signalCode}` : 'did not become ready in time';
  return new Error(`${what} ${how}; last lines of ${logFile}:\n${tail(logFile)}`);
}
