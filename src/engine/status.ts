import type { Canary, CanaryStatus, Condition, Phase } from '../api/index.js';

export const PROMOTED = 'Promoted';
export const READY = 'Ready';
/** `pennant pause`: True while an analysis is held at its weight. */
export const PAUSED = 'Paused';

const ACTIVE_PHASES: ReadonlySet<string> = new Set(['Progressing', 'WaitingPromotion', 'Promoting', 'Finalising']);

/** Phases in which an analysis holds a slot of --max-concurrent-analyses. */
export const isActivePhase = (phase: string | undefined): boolean => ACTIVE_PHASES.has(phase ?? '');

export const currentPhase = (status: CanaryStatus): Phase | '' => status.phase ?? '';

/** Flagger's Promoted condition: True once promoted, False when failed, Unknown while in between. */
function promotedConditionStatus(phase: Phase): Condition['status'] {
  if (phase === 'Initialized' || phase === 'Succeeded') return 'True';
  if (phase === 'Failed') return 'False';
  return 'Unknown';
}

/** Sets or replaces a condition, keeping lastTransitionTime when its status does not change. */
export function setCondition(
  conditions: Condition[] | undefined,
  next: Omit<Condition, 'lastTransitionTime' | 'lastUpdateTime'>,
  now: Date,
): Condition[] {
  const list = conditions ?? [];
  const old = list.find((c) => c.type === next.type);
  if (old && old.status === next.status && old.reason === next.reason && old.message === next.message) return list;
  const stamp = now.toISOString();
  const merged: Condition = {
    ...next,
    lastTransitionTime: old && old.status === next.status ? (old.lastTransitionTime ?? stamp) : stamp,
    lastUpdateTime: stamp,
  };
  return [...list.filter((c) => c.type !== next.type), merged];
}

export function getCondition(status: CanaryStatus, type: string): Condition | undefined {
  return status.conditions?.find((c) => c.type === type);
}

export const isPaused = (status: CanaryStatus): boolean => getCondition(status, PAUSED)?.status === 'True';

/** Moves to `phase`, stamping lastTransitionTime and the Promoted condition when the phase changes. */
export function withPhase(status: CanaryStatus, phase: Phase, now: Date, message?: string): CanaryStatus {
  const changed = status.phase !== phase;
  return {
    ...status,
    phase,
    lastTransitionTime: changed ? now.toISOString() : (status.lastTransitionTime ?? now.toISOString()),
    conditions: setCondition(
      status.conditions,
      { type: PROMOTED, status: promotedConditionStatus(phase), reason: phase, ...(message ? { message } : {}) },
      now,
    ),
  };
}

export const canaryId = (canary: Canary): string =>
  `${canary.metadata.name ?? ''}.${canary.metadata.namespace ?? 'default'}`;

export const targetId = (canary: Canary): string =>
  `${canary.spec.targetRef.name}.${canary.metadata.namespace ?? 'default'}`;

export const primaryId = (canary: Canary): string =>
  `${canary.spec.targetRef.name}-primary.${canary.metadata.namespace ?? 'default'}`;

export function sameConfigs(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const left = a ?? {};
  const right = b ?? {};
  const keys = Object.keys(left);
  return keys.length === Object.keys(right).length && keys.every((k) => left[k] === right[k]);
}

/** Identity of a revision for rollbackWindow: the pod template hash and the tracked config checksums. */
export function revisionKey(templateHash: string, configs: Record<string, string> | undefined): string {
  const entries = Object.entries(configs ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return entries.length ? `${templateHash}+${entries.map(([k, v]) => `${k}=${v}`).join(',')}` : templateHash;
}
