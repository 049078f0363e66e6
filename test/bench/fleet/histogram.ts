/** Cumulative buckets of one Prometheus histogram: `le` (seconds) → count. */
export type Buckets = Map<number, number>;

/** The buckets of `name` summed over its label sets (those with `where`'s labels), from Prometheus' text exposition format. */
export function histogramBuckets(exposition: string, name: string, where: Readonly<Record<string, string>> = {}): Buckets {
  const buckets: Buckets = new Map();
  const pattern = new RegExp(`^${name}_bucket\\{([^}]*)\\}\\s+(\\S+)`);
  for (const line of exposition.split('\n')) {
    const match = pattern.exec(line);
    if (!match) continue;
    const labels = match[1] ?? '';
    const le = /le="([^"]+)"/.exec(labels)?.[1];
    if (le === undefined) continue;
    if (Object.entries(where).some(([label, value]) => !labels.includes(`${label}="${value}"`))) continue;
    const bound = le === '+Inf' ? Infinity : Number(le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(match[2]));
  }
  return buckets;
}

/** What was observed between two scrapes of the same histogram. */
export function bucketDelta(before: Buckets, after: Buckets): Buckets {
  const delta: Buckets = new Map();
  for (const [le, count] of after) delta.set(le, count - (before.get(le) ?? 0));
  return delta;
}

/**
 * The q-quantile as PromQL's histogram_quantile estimates it: linear within the bucket it falls
 * in; in the +Inf bucket, the highest finite bound. null when nothing was observed.
 */
export function quantile(q: number, buckets: Buckets): number | null {
  const sorted = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [le, count] of sorted) {
    if (count >= rank) {
      if (le === Infinity) return lowerBound;
      const inBucket = count - lowerCount;
      return inBucket > 0 ? lowerBound + ((le - lowerBound) * (rank - lowerCount)) / inBucket : le;
    }
    lowerBound = le;
    lowerCount = count;
  }
  return lowerBound;
}

/** An unlabelled gauge's value from Prometheus' text exposition format; null when absent. */
export function gaugeValue(exposition: string, name: string): number | null {
  const match = new RegExp(`^${name}(?:\\{\\})?\\s+(\\S+)`, 'm').exec(exposition);
  return match ? Number(match[1]) : null;
}
