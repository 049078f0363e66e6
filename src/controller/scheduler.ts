/** Injected time, so the scheduler can be driven by a fake clock in tests. */
export interface Clock {
  now(): number;
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (callback, ms) => {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return timer;
  },
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

interface Entry {
  at: number;
  key: string;
}

/** The work queue's lane a wake-up is for: a step due, or an idle re-check (work-queue.ts). */
type Lane = 'event' | 'resync';

/**
 * One timer for every Canary: a binary min-heap of wake-up times and a single setTimeout for the
 * earliest. Scheduling a key that is already due sooner keeps the sooner time: an early wake-up costs
 * one reconcile that finds nothing due, a late one would delay an analysis step.
 */
export class Scheduler {
  private heap: Entry[] = [];
  private readonly due = new Map<string, number>();
  private readonly lanes = new Map<string, Lane>();
  private timer: unknown;
  private timerAt = Infinity;

  constructor(private readonly fire: (key: string, lane: Lane) => void, private readonly clock: Clock = systemClock) {}

  schedule(key: string, delayMs: number, lane: Lane = 'event'): void {
    const at = this.clock.now() + Math.max(0, delayMs);
    const existing = this.due.get(key);
    if (existing !== undefined && existing <= at) return;
    this.due.set(key, at);
    this.lanes.set(key, lane);
    this.push({ at, key });
    this.arm();
  }

  cancel(key: string): void {
    this.due.delete(key);
    this.lanes.delete(key);
  }

  get size(): number {
    return this.due.size;
  }

  stop(): void {
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    this.heap = [];
    this.due.clear();
    this.lanes.clear();
  }

  private arm(): void {
    const next = this.heap[0];
    if (!next || next.at >= this.timerAt) return;
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timerAt = next.at;
    this.timer = this.clock.setTimer(() => this.onTimer(), Math.max(0, next.at - this.clock.now()));
  }

  private onTimer(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.clock.now();
    while (this.heap[0] && this.heap[0].at <= now) {
      const entry = this.pop();
      // Stale entries (rescheduled sooner, or cancelled) are skipped: `due` holds the truth.
      if (entry && this.due.get(entry.key) === entry.at) {
        const lane = this.lanes.get(entry.key) ?? 'event';
        this.due.delete(entry.key);
        this.lanes.delete(entry.key);
        this.fire(entry.key, lane);
      }
    }
    this.arm();
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((heap[parent] as Entry).at <= entry.at) break;
      heap[i] = heap[parent] as Entry;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): Entry | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (!top || !last || heap.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && (heap[right] as Entry).at < (heap[left] as Entry).at ? right : left;
      if ((heap[child] as Entry).at >= last.at) break;
      heap[i] = heap[child] as Entry;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}
