import type { Logger } from 'pino';
import type { Canary } from '../api/index.js';

export type RolloutOutcome = 'promoted' | 'rolledBack';

/** Commits the outcome of a rollout to the Git repository the Canary's target came from. */
export interface WriteBack {
  record(canary: Canary, outcome: RolloutOutcome, reason: string): Promise<void>;
}

/** Used while no GitSource is configured: the outcome is logged, nothing is committed. */
export class NoWriteBack implements WriteBack {
  constructor(private readonly logger: Logger) {}

  async record(canary: Canary, outcome: RolloutOutcome, reason: string): Promise<void> {
    const name = `${canary.metadata.namespace ?? 'default'}/${canary.metadata.name ?? ''}`;
    this.logger.debug({ canary: name, outcome, reason }, 'no GitSource manages this Canary: nothing written back');
  }
}
