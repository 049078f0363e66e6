import { adaptToProvider, type Canary, type CanaryWebhook, type HookType, type Strategy } from '../api/index.js';
import { parseDuration } from './duration.js';
import type { RouterCapabilities } from './types.js';

export type { Strategy };

/** The Canary spec with every default applied: the one place defaults live. */
export interface AnalysisSettings {
  intervalMs: number;
  threshold: number;
  strategy: Strategy;
  /** Canary strategy: weight at which to promote. */
  maxWeight: number;
  /** A/B and blue/green: checks to run before promotion. */
  iterations: number;
  stepWeight: number;
  stepWeights: number[];
  /** 0 means: all traffic back to the primary in one step. */
  stepWeightPromotion: number;
  mirror: boolean;
  progressDeadlineMs: number;
  skipAnalysis: boolean;
  rollbackWindow: number;
  /** Why the run differs from what the spec asks (router limits), for Warning events: validate's warnings, word for word. */
  adjustments: string[];
}

export const DEFAULT_INTERVAL_MS = 60_000;
export const DEFAULT_PROGRESS_DEADLINE_S = 600;

export function resolveSettings(canary: Canary, router: RouterCapabilities): AnalysisSettings {
  const a = canary.spec.analysis;
  const adapted = adaptToProvider(a, router.provider, router);
  const stepWeights = a.stepWeights ?? [];
  const lastStep = stepWeights[stepWeights.length - 1];
  return {
    intervalMs: parseDuration(a.interval ?? '') ?? DEFAULT_INTERVAL_MS,
    threshold: a.threshold ?? 1,
    strategy: adapted.strategy,
    maxWeight: Math.min(100, lastStep ?? a.maxWeight ?? 100),
    iterations: adapted.iterations,
    stepWeight: a.stepWeight ?? 0,
    stepWeights,
    stepWeightPromotion: adapted.stepWeightPromotion,
    mirror: adapted.mirror,
    progressDeadlineMs: (canary.spec.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_S) * 1000,
    skipAnalysis: canary.spec.skipAnalysis ?? false,
    rollbackWindow: canary.spec.rollbackWindow?.revisions ?? 0,
    adjustments: adapted.notes.map((note) => note.message),
  };
}

/** The weight after `current`: stepWeight added, or the next stepWeights entry; never past 100. */
export function nextWeight(settings: AnalysisSettings, current: number): number {
  if (settings.stepWeight > 0) return Math.min(100, current + settings.stepWeight);
  const next = settings.stepWeights.find((w) => w > current);
  return Math.min(100, next ?? settings.maxWeight);
}

export function hooksOfType(canary: Canary, type: HookType): CanaryWebhook[] {
  return (canary.spec.analysis.webhooks ?? []).filter((h) => (h.type || 'rollout') === type);
}

/** The shortest deadline among a gate's hooks, in ms; undefined when none is set. */
export function gateDeadlineMs(canary: Canary, type: HookType): number | undefined {
  const deadlines = hooksOfType(canary, type)
    .map((h) => (h.deadline ? parseDuration(h.deadline) : undefined))
    .filter((d): d is number => d !== undefined);
  return deadlines.length ? Math.min(...deadlines) : undefined;
}

export function describeRouting(canary: Canary, settings: AnalysisSettings): string {
  switch (settings.strategy) {
    case 'abTesting':
      return 'A/B Testing';
    case 'blueGreen':
      return 'Blue/Green';
    case 'canary':
      return settings.stepWeights.length
        ? `Weight steps: ${settings.stepWeights.join(',')} max: ${settings.maxWeight}`
        : `Weight step: ${settings.stepWeight} max: ${canary.spec.analysis.maxWeight ?? settings.maxWeight}`;
  }
}
