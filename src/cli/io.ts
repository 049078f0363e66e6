/** Exit statuses of every `pennant` command: scripts and CI branch on them. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/**
 * What a command may do to the outside world besides its own work: print, and set the exit status.
 * Commands receive it, so tests can capture output without touching `process`.
 */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  setExitCode(code: number): void;
}

/** A mistake in how the command was called (a missing file, a bad flag): exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
