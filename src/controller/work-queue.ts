/**
 * A work queue of keys (`namespace/name`) with client-go's guarantees: a key waiting is queued once,
 * and a key is never processed by two workers at once: a key added while in flight runs again after.
 */
export class WorkQueue {
  private readonly pending: string[] = [];
  private readonly queued = new Set<string>();
  private readonly inFlight = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly waiters: ((key: string | undefined) => void)[] = [];
  private closed = false;

  add(key: string): void {
    if (this.closed) return;
    if (this.inFlight.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    const waiter = this.waiters.shift();
    if (waiter) {
      this.inFlight.add(key);
      waiter(key);
      return;
    }
    this.queued.add(key);
    this.pending.push(key);
  }

  /** The next key to process, or undefined once the queue is shut down. */
  async get(): Promise<string | undefined> {
    const key = this.pending.shift();
    if (key !== undefined) {
      this.queued.delete(key);
      this.inFlight.add(key);
      return key;
    }
    if (this.closed) return undefined;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks a key's processing finished; re-queues it when it was added meanwhile. */
  done(key: string): void {
    this.inFlight.delete(key);
    if (this.dirty.delete(key)) this.add(key);
  }

  get length(): number {
    return this.pending.length;
  }

  get active(): number {
    return this.inFlight.size;
  }

  shutdown(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }
}
