import type { Bounds } from '../metrics/index.js';
import type { Chapter, CheckValue, HookAnswer, Series, Story } from './story.js';

/** Where the rollout is when a check is queried: the analysis interval (1 = the first) and the canary weight. */
export interface Moment {
  interval: number;
  weight: number;
}

/** What a metric query gets: a number, no data (null), or a failed query. */
export type Measurement = number | null | 'error';

/** A check the story names, or `*`: every check it does not name. */
export const ANY_CHECK = '*';

/**
 * Plays a story: the value of each check and the answer of each webhook at a moment. A `fromWeight`
 * chapter starts when the canary weight first reaches its key; its lists count from that interval.
 */
export class StoryPlayer {
  /** The interval at which the canary weight first reached each `fromWeight` key. */
  private readonly reached = new Map<number, number>();
  private readonly chapters: { weight: number; chapter: Chapter }[];

  constructor(private readonly story: Story) {
    this.chapters = Object.entries(story.fromWeight ?? {})
      .map(([weight, chapter]) => ({ weight: Number(weight), chapter }))
      .sort((a, b) => b.weight - a.weight);
  }

  checkValue(check: string, moment: Moment): CheckValue | undefined {
    return this.play((c) => c.checks?.[check] ?? c.checks?.[ANY_CHECK], moment);
  }

  hookAnswer(hook: string, moment: Moment): HookAnswer | undefined {
    return this.play((c) => c.webhooks?.[hook], moment);
  }

  /** Does the story say anything about this check, in any chapter? */
  knowsCheck(check: string): boolean {
    return [this.story, ...this.chapters.map((c) => c.chapter)].some((c) => c.checks?.[check] !== undefined || c.checks?.[ANY_CHECK] !== undefined);
  }

  private play<T>(pick: (chapter: Chapter) => Series<T> | undefined, moment: Moment): T | undefined {
    for (const { weight } of this.chapters) if (moment.weight >= weight && !this.reached.has(weight)) this.reached.set(weight, moment.interval);
    for (const { weight, chapter } of this.chapters) {
      const series = moment.weight >= weight ? pick(chapter) : undefined;
      if (series !== undefined) return valueAt(series, moment.interval - (this.reached.get(weight) ?? moment.interval));
    }
    const series = pick(this.story);
    return series === undefined ? undefined : valueAt(series, Math.max(0, moment.interval - 1));
  }
}

function valueAt<T>(series: Series<T>, index: number): T | undefined {
  if (Array.isArray(series)) return series[Math.min(index, series.length - 1)];
  if (typeof series === 'object' && series !== null && 'cycle' in series) return series.cycle[index % series.cycle.length];
  return series;
}

/**
 * A story's word as a number the check judges. `pass` lands inside the thresholds: the middle of a
 * range, halfway from a minimum below 100 up to 100 (a success rate), just above a higher minimum,
 * half a maximum. `fail` lands outside: 10% (at least 1) below the minimum or above the maximum.
 */
export function measure(value: CheckValue, bounds: Bounds): Measurement {
  if (typeof value === 'number') return value;
  if (value === 'nodata') return null;
  if (value === 'error') return 'error';
  const { min, max } = bounds;
  const margin = (x: number) => Math.max(1, Math.abs(x) * 0.1);
  if (value === 'fail') return min !== undefined ? round(min - margin(min)) : round((max ?? 0) + margin(max ?? 0));
  if (min !== undefined && max !== undefined) return round((min + max) / 2);
  if (min !== undefined) return round(min < 100 ? min + (100 - min) / 2 : min + margin(min) / 10);
  if (max !== undefined) return max > 0 ? round(max / 2) : max;
  return 0;
}

const round = (x: number): number => Number(x.toPrecision(6));
