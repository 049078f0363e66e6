/**
 * Why a key is queued. `event`: something changed (a Canary, its Deployment, a route) or a step is
 * due. `resync`: the periodic sweep and the idle re-checks, which find nothing to do almost always.
 * Events go first, so a sweep of 1,000 idle Canaries never delays the one whose Deployment was just
 * bumped (controller-runtime's priority queue makes the same choice).
 */
export type Lane = 'event' | 'resync';

/** Told how long each key waited between being queued and a worker taking it. */
export type WaitObserver = (lane: Lane, seconds: number) => void;

/**
 * A work queue of keys (`namespace/name`) with client-go's guarantees: a key waiting is queued once,
 * and a key is never processed by two workers at once: a key added while in flight runs again after.
 * Within a lane keys come out in the order they were first added.
 */
export class WorkQueue {
  /** Insertion-ordered: a key moves from `resync` to `event` in O(1). */
  private readonly lanes: Record<Lane, Set<string>> = { event: new Set(), resync: new Set() };
  /** When each waiting key was queued (kept when it moves up a lane: it has waited that long). */
  private readonly since = new Map<string, number>();
  private readonly inFlight = new Set<string>();
  /** Keys added while in flight, with the most urgent lane they were added in. */
  private readonly dirty = new Map<string, Lane>();
  private readonly waiters: ((key: string | undefined) => void)[] = [];
  private closed = false;

  constructor(private readonly onWait?: WaitObserver, private readonly now: () => number = () => performance.now()) {}

  add(key: string, lane: Lane = 'event'): void {
    if (this.closed) return;
    if (this.inFlight.has(key)) {
      if (this.dirty.get(key) !== 'event') this.dirty.set(key, lane);
      return;
    }
    if (this.lanes.event.has(key)) return;
    if (this.lanes.resync.has(key)) {
      if (lane === 'event') {
        this.lanes.resync.delete(key);
        this.lanes.event.add(key);
      }
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) {
      this.inFlight.add(key);
      this.onWait?.(lane, 0);
      waiter(key);
      return;
    }
    this.lanes[lane].add(key);
    this.since.set(key, this.now());
  }

  /** The next key to process (events first), or undefined once the queue is shut down. */
  async get(): Promise<string | undefined> {
    for (const lane of ['event', 'resync'] as const) {
      const key = first(this.lanes[lane]);
      if (key === undefined) continue;
      this.lanes[lane].delete(key);
      this.inFlight.add(key);
      const since = this.since.get(key);
      this.since.delete(key);
      if (since !== undefined) this.onWait?.(lane, (this.now() - since) / 1000);
      return key;
    }
    if (this.closed) return undefined;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks a key's processing finished; re-queues it when it was added meanwhile. */
  done(key: string): void {
    this.inFlight.delete(key);
    const lane = this.dirty.get(key);
    if (lane === undefined) return;
    this.dirty.delete(key);
    this.add(key, lane);
  }

  get length(): number {
    return this.lanes.event.size + this.lanes.resync.size;
  }

  get active(): number {
    return this.inFlight.size;
  }

  shutdown(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }
}

function first(keys: Set<string>): string | undefined {
  for (const key of keys) return key;
  return undefined;
}
