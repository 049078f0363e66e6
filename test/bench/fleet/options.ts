import { parseArgs } from 'node:util';
import { z } from 'zod';
import { parseDuration } from '../../../src/engine/duration.js';

const count = (what: string, max: number) =>
  z.coerce.number({ error: `${what} must be a whole number` }).int(`${what} must be a whole number`).min(0, `${what} must be ≥ 0`).max(max, `${what} must be ≤ ${max}`);

const fleetOptions = z.object({
  canaries: count('--canaries', 5000).min(1, '--canaries must be ≥ 1'),
  progressing: count('--progressing', 5000).optional(),
  provider: z.enum(['kubernetes', 'istio'], { error: '--provider must be kubernetes or istio' }).default('kubernetes'),
  peer: z.enum(['flagger'], { error: '--peer must be flagger' }).optional(),
  json: z.boolean().default(false),
  interval: z.string().default('30s'),
  intervals: count('--intervals', 100).min(1, '--intervals must be ≥ 1').default(3),
  unrelated: count('--unrelated', 100_000).default(10_000),
});

export interface FleetOptions {
  canaries: number;
  /** Canaries given a new revision for the measured window (default 5% of them, at least 1). */
  progressing: number;
  provider: 'kubernetes' | 'istio';
  peer?: 'flagger';
  json: boolean;
  intervalSeconds: number;
  /** Intervals measured, idle and then progressing. */
  intervals: number;
  /** Unrelated Secrets and ConfigMaps created beside the fleet (half each). */
  unrelated: number;
}

export const USAGE = `npm run bench -- --canaries N [--progressing P] [--provider kubernetes|istio] [--peer flagger]
                 [--interval 30s] [--intervals 3] [--unrelated 10000] [--json]`;

/** The fleet benchmark's flags; null when none is given (then the in-process figures are printed). */
export function fleetOptionsFrom(argv: readonly string[]): FleetOptions | null {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      canaries: { type: 'string' }, progressing: { type: 'string' }, provider: { type: 'string' }, peer: { type: 'string' },
      json: { type: 'boolean' }, interval: { type: 'string' }, intervals: { type: 'string' }, unrelated: { type: 'string' },
    },
    strict: true,
  });
  if (values.canaries === undefined) return null;
  const parsed = fleetOptions.safeParse(values);
  if (!parsed.success) throw new Error(`${parsed.error.issues.map((i) => i.message).join('; ')}\nusage: ${USAGE}`);
  const o = parsed.data;
  const intervalMs = parseDuration(o.interval);
  if (intervalMs === undefined || intervalMs < 5000) throw new Error(`--interval "${o.interval}" must be a duration of at least 5s (e.g. 30s)`);
  const progressing = o.progressing ?? Math.max(1, Math.ceil(o.canaries * 0.05));
  if (progressing > o.canaries) throw new Error(`--progressing ${progressing} is more than --canaries ${o.canaries}`);
  return {
    canaries: o.canaries, progressing, provider: o.provider, ...(o.peer ? { peer: o.peer } : {}), json: o.json,
    intervalSeconds: intervalMs / 1000, intervals: o.intervals, unrelated: o.unrelated,
  };
}
