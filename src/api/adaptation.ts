import type { CanaryAnalysis } from './canary.js';
import { providersThatCan, type RoutingCapabilities } from './capabilities.js';
import type { RuleIssue } from './issues.js';

export type Strategy = 'canary' | 'abTesting' | 'blueGreen';

/** Flagger turns weight steps into this many blue/green iterations on providers that cannot split traffic. */
export const ITERATIONS_WITHOUT_WEIGHTS = 10;

/** How a Canary's analysis runs on a given provider, and every way that differs from what it asks. */
export interface Adaptation {
  strategy: Strategy;
  iterations: number;
  mirror: boolean;
  stepWeightPromotion: number;
  /** Each feature asked for that the provider lacks, and what happens instead: validate's warnings, the engine's Events. */
  notes: RuleIssue[];
}

const ANALYSIS = ['spec', 'analysis'] as const;
const can = (feature: keyof RoutingCapabilities): string => `providers that can: ${providersThatCan(feature).join(', ')}`;

/**
 * The strategy a provider can run for this analysis. Pure, shared by the engine (which acts on it) and
 * `pennant validate` (which warns about each note), so both say the same words.
 */
export function adaptToProvider(analysis: CanaryAnalysis, provider: string, routing: RoutingCapabilities): Adaptation {
  const notes: RuleIssue[] = [];
  let iterations = analysis.iterations ?? 0;
  const matches = (analysis.match?.length ?? 0) > 0;
  let strategy: Strategy = iterations > 0 ? (matches ? 'abTesting' : 'blueGreen') : 'canary';
  if (strategy === 'abTesting' && !routing.match) {
    notes.push({ path: [...ANALYSIS, 'match'], message: `${provider} cannot match requests: A/B testing runs as blue/green, analysis.match is ignored`, hint: can('match') });
    strategy = 'blueGreen';
  }
  if (strategy === 'canary' && matches) {
    notes.push({ path: [...ANALYSIS, 'match'], message: 'analysis.match is ignored without iterations: requests are matched only in A/B testing', hint: 'set iterations (A/B testing) instead of stepWeight/stepWeights, or remove match' });
  }
  if (strategy === 'canary' && !routing.weights) {
    const field = analysis.stepWeights !== undefined ? 'stepWeights' : 'stepWeight';
    notes.push({ path: [...ANALYSIS, field], message: `${provider} cannot split traffic by weight: running ${ITERATIONS_WITHOUT_WEIGHTS} blue/green iterations instead of weight steps`, hint: `set iterations to choose the number of checks, or use a provider that splits traffic (${can('weights')})` });
    strategy = 'blueGreen';
    iterations = ITERATIONS_WITHOUT_WEIGHTS;
  }
  if (analysis.stepWeightPromotion !== undefined && !routing.weights) {
    notes.push({ path: [...ANALYSIS, 'stepWeightPromotion'], message: `${provider} cannot split traffic by weight: stepWeightPromotion is ignored, promotion moves all traffic at once`, hint: 'remove stepWeightPromotion' });
  }
  notes.push(...mirrorNotes(analysis, provider, routing), ...affinityNotes(analysis, provider, routing));
  return {
    strategy,
    iterations,
    mirror: (analysis.mirror ?? false) && routing.mirror,
    stepWeightPromotion: routing.weights ? (analysis.stepWeightPromotion ?? 0) : 0,
    notes,
  };
}

function mirrorNotes(analysis: CanaryAnalysis, provider: string, routing: RoutingCapabilities): RuleIssue[] {
  const mirrorWeight = analysis.mirrorWeight !== undefined ? [...ANALYSIS, 'mirrorWeight'] : undefined;
  if (analysis.mirror !== true) {
    if (mirrorWeight === undefined) return [];
    return [{ path: mirrorWeight, message: 'mirrorWeight has no effect without mirror: true', hint: 'set mirror: true, or remove mirrorWeight' }];
  }
  if (!routing.mirror) {
    return [{ path: [...ANALYSIS, 'mirror'], message: `${provider} cannot mirror traffic: analysis.mirror is ignored`, hint: can('mirror') }];
  }
  if (mirrorWeight !== undefined && !routing.mirrorWeight) {
    return [{ path: mirrorWeight, message: `${provider} cannot mirror a share of requests: analysis.mirrorWeight is ignored, every request is mirrored`, hint: `remove mirrorWeight, or use ${can('mirrorWeight')}` }];
  }
  return [];
}

function affinityNotes(analysis: CanaryAnalysis, provider: string, routing: RoutingCapabilities): RuleIssue[] {
  if (analysis.sessionAffinity === undefined || routing.sessionAffinity) return [];
  return [{
    path: [...ANALYSIS, 'sessionAffinity'],
    message: `${provider} does not support session affinity: analysis.sessionAffinity is ignored, each request is routed by weight alone`,
    hint: `remove sessionAffinity, or use ${can('sessionAffinity')}`,
  }];
}
