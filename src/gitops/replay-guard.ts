/** How long a signed push body is remembered: a replay after this is still only one more sync. */
export const REPLAY_WINDOW_MS = 60 * 60 * 1000;
/** Bodies remembered per GitSource: a flood of distinct signed bodies needs the token anyway. */
export const REPLAY_MEMORY = 1024;

/**
 * Remembers the signatures of accepted push bodies per GitSource. The signature covers the body only,
 * so a captured request can be sent again unchanged; a body already accepted within the window is
 * a replay (a real push differs at least by its `after` commit).
 */
export class ReplayGuard {
  private readonly seen = new Map<string, Map<string, number>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** True the first time `signature` is seen for `source` within the window; remembers it. */
  firstSeen(source: string, signature: string): boolean {
    const at = this.now();
    const bodies = this.seen.get(source) ?? new Map<string, number>();
    this.seen.set(source, bodies);
    for (const [key, when] of bodies) {
      if (at - when < REPLAY_WINDOW_MS && bodies.size < REPLAY_MEMORY) break;
      bodies.delete(key); // oldest first: Map keeps insertion order
    }
    const previous = bodies.get(signature);
    if (previous !== undefined && at - previous < REPLAY_WINDOW_MS) return false;
    bodies.set(signature, at);
    return true;
  }
}
