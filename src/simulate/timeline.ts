import type { CheckStatus } from '../api/index.js';
import type { KubeObject } from '../kube/types.js';

/** One check's result in a timeline entry: the value and the thresholds it was judged against. */
export interface TimelineCheck {
  name: string;
  kind: 'metric' | 'webhook';
  verdict: string;
  value?: number | null;
  min?: number;
  max?: number;
  message?: string;
}

/** The Canary after one decision of the controller, at a simulated time. */
export interface TimelineEntry {
  /** Simulated seconds since the new revision was applied. */
  seconds: number;
  /** The analysis interval (0: the revision was detected, before the first analysis step). */
  interval: number;
  phase: string;
  weight: number;
  failedChecks: number;
  iterations: number;
  /** Results of an analysis step run at this time (empty when the decision ran none). */
  checks: TimelineCheck[];
}

interface StatusSeen {
  phase?: string;
  canaryWeight?: number;
  failedChecks?: number;
  iterations?: number;
  lastStepTime?: string;
  checks?: CheckStatus[];
}

/**
 * Turns the Canary's status writes into timeline entries: one per change of phase, weight, failed
 * checks, iterations or analysis step; writes that change none of them (conditions, hooks started)
 * are not an entry.
 */
export class TimelineRecorder {
  readonly entries: TimelineEntry[] = [];
  private last = '';
  private lastChecksAt = '';

  constructor(private readonly at: () => { seconds: number; interval: number }, private readonly onEntry: (entry: TimelineEntry) => void = () => undefined) {}

  observe(canary: KubeObject): void {
    const s = (canary.status ?? {}) as StatusSeen;
    const signature = JSON.stringify([s.phase, s.canaryWeight, s.failedChecks, s.iterations, s.lastStepTime]);
    if (signature === this.last) return;
    this.last = signature;
    const checksAt = (s.checks ?? [])[0]?.time ?? '';
    const fresh = checksAt !== '' && checksAt !== this.lastChecksAt;
    if (fresh) this.lastChecksAt = checksAt;
    const entry: TimelineEntry = {
      ...this.at(),
      phase: s.phase ?? '',
      weight: s.canaryWeight ?? 0,
      failedChecks: s.failedChecks ?? 0,
      iterations: s.iterations ?? 0,
      checks: fresh ? (s.checks ?? []).map(checkOf) : [],
    };
    this.entries.push(entry);
    this.onEntry(entry);
  }
}

function checkOf(c: CheckStatus): TimelineCheck {
  return {
    name: c.name,
    kind: c.kind,
    verdict: c.verdict,
    ...(c.value !== undefined && { value: c.value }),
    ...(c.min !== undefined && { min: c.min }),
    ...(c.max !== undefined && { max: c.max }),
    ...(c.message !== undefined && { message: c.message }),
  };
}
