import type { Clock } from '../controller/scheduler.js';

interface Timer {
  at: number;
  callback: () => void;
}

/**
 * The controller's time in `pennant simulate`: nothing waits, the driver moves the clock to the next
 * timer once the controller has nothing else to do.
 */
export class SimulatedClock implements Clock {
  private readonly timers = new Map<number, Timer>();
  private nextHandle = 1;

  constructor(private nowMs: number) {}

  now(): number {
    return this.nowMs;
  }

  setTimer(callback: () => void, ms: number): unknown {
    const handle = this.nextHandle++;
    this.timers.set(handle, { at: this.nowMs + Math.max(0, ms), callback });
    return handle;
  }

  clearTimer(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** When the earliest timer is due; undefined when none is set. */
  get nextAt(): number | undefined {
    let next: number | undefined;
    for (const { at } of this.timers.values()) if (next === undefined || at < next) next = at;
    return next;
  }

  /** Moves to the earliest timer and fires every timer due then; false when none is set. */
  advance(): boolean {
    const at = this.nextAt;
    if (at === undefined) return false;
    this.nowMs = Math.max(this.nowMs, at);
    for (const [handle, timer] of [...this.timers.entries()].filter(([, t]) => t.at <= this.nowMs)) {
      this.timers.delete(handle);
      timer.callback();
    }
    return true;
  }
}
