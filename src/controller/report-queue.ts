/**
 * Telling people (Events, alerts, post-rollout hooks) off the reconcile workers: an alert that
 * takes its full timeout must not hold up the next Canary's decision. Jobs of one Canary run in
 * order (its Events stay in the order they were decided); jobs of different Canaries run side by
 * side, a bounded number at once. Every job is already written down in the status it follows, so
 * one lost at shutdown loses a message, never state.
 */
export class ReportQueue {
  private readonly tails = new Map<string, Promise<void>>();
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly concurrency = 8, private readonly onError: (key: string, err: unknown) => void = () => undefined) {}

  enqueue(key: string, job: () => Promise<void>): void {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.limited(job)).catch((err: unknown) => this.onError(key, err));
    this.tails.set(key, next);
    this.pending.add(next);
    void next.finally(() => {
      this.pending.delete(next);
      if (this.tails.get(key) === next) this.tails.delete(key);
    });
  }

  /** Jobs queued or running. */
  get size(): number {
    return this.pending.size;
  }

  /** Resolves when every queued job is done, or after `timeoutMs`, whichever comes first. */
  async drain(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.all([...this.pending]).then(() => undefined), timeout]);
    clearTimeout(timer);
  }

  private async limited(job: () => Promise<void>): Promise<void> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      await job();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
