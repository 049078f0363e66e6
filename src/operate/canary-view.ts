import { canaryStatus, type CanaryStatus, type CheckStatus } from '../api/index.js';
import type { KubeObject } from '../kube/types.js';

/** What `pennant status` and the web view show of one Canary: its status, read as a person reads it. */
export interface CanaryView {
  namespace: string;
  name: string;
  phase: string;
  weight: number;
  maxWeight?: number;
  failedChecks: number;
  threshold: number;
  /** The last analysis step's checks, each value against its bounds. */
  checks: CheckStatus[];
  gate?: { type: string; since: string };
  paused?: string;
  /** Since status.lastTransitionTime. */
  inPhaseSeconds?: number;
  /** What the Promoted condition says about the phase (why it failed, what it waits for…). */
  message?: string;
  /** Ready=False: why the controller cannot act on it. */
  problem?: string;
  lastRequest?: CanaryStatus['lastRequest'];
}

interface SpecBits {
  analysis?: { threshold?: number; maxWeight?: number; stepWeights?: number[] };
}

export function viewOf(obj: KubeObject, now: Date): CanaryView {
  const parsed = canaryStatus.safeParse(obj.status ?? {});
  const status: CanaryStatus = parsed.success ? parsed.data : {};
  const analysis = (obj.spec as SpecBits | undefined)?.analysis ?? {};
  const condition = (type: string) => status.conditions?.find((c) => c.type === type);
  const lastStep = analysis.stepWeights?.[analysis.stepWeights.length - 1];
  const maxWeight = lastStep ?? analysis.maxWeight;
  const ready = condition('Ready');
  const since = status.lastTransitionTime ? Date.parse(status.lastTransitionTime) : NaN;
  return {
    namespace: obj.metadata.namespace ?? 'default',
    name: obj.metadata.name ?? '',
    phase: status.phase || 'Initializing',
    weight: status.canaryWeight ?? 0,
    ...(maxWeight !== undefined ? { maxWeight } : {}),
    failedChecks: status.failedChecks ?? 0,
    threshold: analysis.threshold ?? 1,
    checks: status.checks ?? [],
    ...(status.gate ? { gate: status.gate } : {}),
    ...(condition('Paused')?.status === 'True' ? { paused: condition('Paused')?.message ?? 'paused' } : {}),
    ...(Number.isFinite(since) ? { inPhaseSeconds: Math.max(0, Math.round((now.getTime() - since) / 1000)) } : {}),
    ...(condition('Promoted')?.message ? { message: condition('Promoted')?.message } : {}),
    ...(ready?.status === 'False' ? { problem: ready.message ?? ready.reason } : {}),
    ...(status.lastRequest ? { lastRequest: status.lastRequest } : {}),
  };
}
