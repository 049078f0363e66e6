import type { CanaryStatus } from '../api/index.js';
import { isActivePhase } from '../engine/index.js';

export interface SlotHolder {
  key: string;
  status: CanaryStatus | undefined;
}

/**
 * The global cap on concurrent analyses (--max-concurrent-analyses). Active phases in the cache
 * hold a slot; a reservation bridges the time between deciding to start and the cache showing it.
 * Waiting Canaries get free slots in the order they started waiting.
 */
export class AnalysisSlots {
  private readonly reserved = new Set<string>();

  constructor(private readonly max: number, private readonly canaries: () => SlotHolder[]) {}

  /** May this Canary start an analysis now, given the ones running and the ones queued before it? */
  available(key: string, status: CanaryStatus | undefined): boolean {
    if (this.max <= 0 || isActivePhase(status?.phase)) return true;
    const all = this.canaries();
    const mine = status?.queuedSince ?? '\uffff';
    // A reserved Canary may still show Waiting in the cache: it is counted as running, not also as ahead.
    const ahead = all.filter((c) => c.key !== key && !this.reserved.has(c.key) && c.status?.phase === 'Waiting' && c.status.queuedSince && (c.status.queuedSince < mine || (c.status.queuedSince === mine && c.key < key)));
    return this.running(all, key) + ahead.length < this.max;
  }

  /** Atomically takes a slot for a Canary about to start; false when none is left. */
  tryReserve(key: string): boolean {
    if (this.max <= 0) return true;
    if (this.running(this.canaries(), key) >= this.max) return false;
    this.reserved.add(key);
    return true;
  }

  /** After a decision: keep the reservation while the Canary is active, drop it otherwise. */
  settle(key: string, phase: string | undefined): void {
    if (isActivePhase(phase)) this.reserved.add(key);
    else this.reserved.delete(key);
  }

  count(): number {
    return this.running(this.canaries(), undefined);
  }

  private running(all: SlotHolder[], except: string | undefined): number {
    const active = new Set(all.filter((c) => isActivePhase(c.status?.phase)).map((c) => c.key));
    for (const key of this.reserved) active.add(key);
    if (except) active.delete(except);
    return active.size;
  }
}
