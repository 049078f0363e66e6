import type { KubeClient } from '../kube/types.js';

/** Exit statuses of every `pennant` command: scripts and CI branch on them. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Where a command finds the cluster: the kubeconfig file (KUBECONFIG resolved) and context. */
export interface Connection {
  kubeconfig?: string;
  context?: string;
}

/** A cluster to talk to, and the namespace its context names (kubectl's default for `-n`). */
export interface Cluster {
  kube: KubeClient;
  namespace?: string;
}

/**
 * What a command may do to the outside world besides its own work: print, set the exit status, and
 * (the operator commands) reach a cluster. Commands receive it, so tests can capture output and hand
 * in an in-memory cluster without touching `process`.
 */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  setExitCode(code: number): void;
  /** The cluster of a connection; default: the real API server of the kubeconfig. */
  connect?: (connection: Connection) => Cluster;
  /** stdout is a terminal: `status --watch` redraws in place instead of printing lines. */
  isTTY?: boolean;
  /** The terminal's width: a redrawn line longer than it is cut, so the redraw stays in place. */
  columns?: number;
  /** Ends commands that run until stopped (`status --watch`); default: Ctrl-C. */
  signal?: AbortSignal;
  /** Who asks, for the requests' Events; default: the local user name. */
  user?: string;
  now?: () => Date;
}

/** A mistake in how the command was called (a missing file, a bad flag): exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
