/** A Canary's weight (and phase) at a moment, as the controller's cache saw it change. */
export interface WeightPoint {
  time: string;
  weight: number;
  phase: string;
}

/** Enough for a long rollout at one step a minute; older points drop off the front. */
export const MAX_POINTS = 500;

/**
 * Weight over time per Canary, remembered from the changes the shared informer delivers (status
 * keeps only the current weight). A point is added when the weight or the phase changes, so a
 * viewer's page starts with the history since this process started, not only from its opening.
 */
export class WeightHistory {
  private readonly points = new Map<string, WeightPoint[]>();

  constructor(private readonly maxPoints = MAX_POINTS) {}

  /** Returns true when this is a new point. */
  observe(key: string, weight: number, phase: string, at: Date): boolean {
    const list = this.points.get(key) ?? [];
    const last = list[list.length - 1];
    if (last && last.weight === weight && last.phase === phase) return false;
    list.push({ time: at.toISOString(), weight, phase });
    if (list.length > this.maxPoints) list.splice(0, list.length - this.maxPoints);
    this.points.set(key, list);
    return true;
  }

  of(key: string): readonly WeightPoint[] {
    return this.points.get(key) ?? [];
  }

  forget(key: string): void {
    this.points.delete(key);
  }
}
