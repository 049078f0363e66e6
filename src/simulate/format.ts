import { formatDuration } from '../engine/duration.js';
import type { Simulation } from './simulate.js';
import type { TimelineCheck, TimelineEntry } from './timeline.js';

/** What the header and the JSON say about the run. */
export interface SimulationHeader {
  namespace: string;
  name: string;
  story: string;
  description?: string;
  provider: string;
  /** analysis.interval as written. */
  interval: string;
  threshold: number;
}

export const TIMELINE_HEADING = `${'TIME'.padStart(8)}  ${'PHASE'.padEnd(16)} ${'WEIGHT'.padStart(6)}  FAILED  CHECKS`;

export function formatHeader(h: SimulationHeader): string {
  return [
    `Simulating ${h.namespace}/${h.name} with the story "${h.story}"${h.description ? `: ${h.description}` : ''}`,
    `provider ${h.provider}, analysis every ${h.interval}, threshold ${h.threshold}; time counts from the new revision`,
    '',
    TIMELINE_HEADING,
  ].join('\n');
}

/** One line per entry: simulated time, phase, weight, failed checks, and the checks of a step run then. */
export function formatEntry(e: TimelineEntry): string {
  const time = simulatedTime(e.seconds).padStart(8);
  const checks = e.checks.map(formatCheck).join(', ');
  return `${time}  ${e.phase.padEnd(16)} ${`${e.weight}%`.padStart(6)}  ${String(e.failedChecks).padStart(6)}  ${checks}`.trimEnd();
}

/** `request-success-rate 99.5 >= 99 pass`, `request-duration 550 > 500 fail`, `load-test pass`, `request-duration no data`. */
export function formatCheck(c: TimelineCheck): string {
  if (c.kind === 'webhook') return `${c.name} ${c.verdict}`;
  if (c.value === undefined || c.value === null) return `${c.name} ${c.verdict === 'noData' ? 'no data' : 'query failed'}`;
  return `${c.name} ${c.value} ${against(c.value, c)} ${c.verdict}`;
}

function against(value: number, { min, max }: TimelineCheck): string {
  if (min !== undefined && value < min) return `< ${min}`;
  if (max !== undefined && value > max) return `> ${max}`;
  if (min !== undefined && max !== undefined) return `in ${min}..${max}`;
  if (min !== undefined) return `>= ${min}`;
  return max !== undefined ? `<= ${max}` : '(no threshold)';
}

/** `0s`, `1m30s`: simulated time goes by whole seconds. */
export const simulatedTime = (seconds: number): string => (seconds < 1 ? '0s' : formatDuration(seconds * 1000));

export function formatOutcome(s: Simulation): string {
  const took = `${simulatedTime(s.seconds)} of simulated time (${s.intervals} intervals of ${simulatedTime(s.intervalSeconds)})`;
  const last = [...s.timeline].reverse().find((e) => e.phase === 'Progressing' || e.phase === 'Promoting');
  switch (s.outcome) {
    case 'Succeeded':
      return `Succeeded: promoted after ${took}.`;
    case 'Failed':
      return `Failed: rolled back after ${took}, at canary weight ${last?.weight ?? 0}% with ${s.timeline.at(-1)?.failedChecks ?? 0} failed checks.`;
    case 'Unfinished':
      return `Unfinished: neither promoted nor rolled back after ${took} (the story's maxIntervals); last phase ${s.timeline.at(-1)?.phase ?? 'none'}.`;
  }
}

/** `-o json`: the same as the text, as one document. */
export function simulationJson(h: SimulationHeader, s: Simulation): string {
  const { description, ...header } = h;
  return `${JSON.stringify({ ...header, ...(description !== undefined && { description }), ...s }, null, 2)}\n`;
}
