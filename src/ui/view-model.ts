import { type Condition, canaryStatus } from '../api/index.js';
import type { KubeObject } from '../kube/types.js';
import { type CanaryView, viewOf } from '../operate/canary-view.js';
import type { WeightPoint } from './history.js';

/** One row of the web view's table: what `pennant status` shows, and since when it is in its phase (the page counts on). */
export interface CanaryRow extends Omit<CanaryView, 'inPhaseSeconds'> {
  key: string;
  since?: string;
}

/** An Event of a Canary, as the page lists it. */
export interface CanaryEvent {
  type: string;
  reason: string;
  message: string;
  count: number;
  last: string;
}

/** One Canary's page: its row, how its analysis is set up, its conditions, weight over time and Events. */
export interface CanaryDetail {
  row: CanaryRow;
  annotations: Record<string, string>;
  analysis: { interval?: string; threshold?: number; stepWeights?: number[]; stepWeight?: number; maxWeight?: number; iterations?: number };
  conditions: Condition[];
  history: WeightPoint[];
  events: CanaryEvent[];
}

export const canaryKey = (namespace: string | undefined, name: string | undefined): string => `${namespace ?? 'default'}/${name ?? ''}`;

export function rowOf(obj: KubeObject, now: Date): CanaryRow {
  const { inPhaseSeconds: _counted, ...view } = viewOf(obj, now);
  const status = canaryStatus.safeParse(obj.status ?? {});
  const since = status.success ? status.data.lastTransitionTime : undefined;
  return { key: canaryKey(view.namespace, view.name), ...view, ...(since ? { since } : {}) };
}

/** Most recent first, at most `limit`: a long rollout's page stays short. */
export function eventsOf(events: readonly KubeObject[], limit = 50): CanaryEvent[] {
  return events
    .map(eventOf)
    .sort((a, b) => b.last.localeCompare(a.last))
    .slice(0, limit);
}

function eventOf(obj: KubeObject): CanaryEvent {
  const text = (field: string): string => (typeof obj[field] === 'string' ? (obj[field] as string) : '');
  const last = text('lastTimestamp') || text('eventTime') || text('firstTimestamp') || (obj.metadata.creationTimestamp ?? '');
  return { type: text('type') || 'Normal', reason: text('reason'), message: text('message'), count: typeof obj.count === 'number' ? obj.count : 1, last };
}

interface AnalysisBits {
  interval?: unknown; threshold?: unknown; stepWeights?: unknown; stepWeight?: unknown; maxWeight?: unknown; iterations?: unknown;
}

function analysisOf(obj: KubeObject): CanaryDetail['analysis'] {
  const spec = (obj.spec ?? {}) as { analysis?: AnalysisBits };
  const a = spec.analysis ?? {};
  const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
  const steps = Array.isArray(a.stepWeights) ? a.stepWeights.filter((w): w is number => typeof w === 'number') : undefined;
  const picked = { interval: typeof a.interval === 'string' ? a.interval : undefined, threshold: num(a.threshold), stepWeights: steps, stepWeight: num(a.stepWeight), maxWeight: num(a.maxWeight), iterations: num(a.iterations) };
  return Object.fromEntries(Object.entries(picked).filter(([, v]) => v !== undefined));
}

export function detailOf(obj: KubeObject, events: readonly KubeObject[], history: readonly WeightPoint[], now: Date): CanaryDetail {
  const status = canaryStatus.safeParse(obj.status ?? {});
  return {
    row: rowOf(obj, now),
    annotations: { ...(obj.metadata.annotations ?? {}) },
    analysis: analysisOf(obj),
    conditions: status.success ? (status.data.conditions ?? []) : [],
    history: [...history],
    events: eventsOf(events),
  };
}
