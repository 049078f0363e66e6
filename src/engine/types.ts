import type { Canary, CanaryStatus, CheckVerdict, HookType, RoutingCapabilities } from '../api/index.js';

/** Whether a workload can serve; `deadlineExceeded` makes a wait final. */
export type Readiness =
  | { ready: true }
  | { ready: false; message: string; deadlineExceeded: boolean };

export interface WorkloadObservation {
  exists: boolean;
  /** Hash of the canonical pod template (target), or of the template the primary runs. */
  revision?: string;
  /** Checksums of the ConfigMaps/Secrets the pod template uses, as `configmap/<name>` → checksum. */
  trackedConfigs?: Record<string, string>;
  /** spec.replicas */
  replicas: number;
  readiness: Readiness;
  /** spec.paused: its pods do not change when its template does. */
  paused?: boolean;
  /** Pennant paused it (it serves users as the canary); a pause of the user's own is left alone. */
  pausedByPennant?: boolean;
  /** false: its kind cannot hold its pods (a DaemonSet has no spec.paused), so it is never paused. */
  pausable?: boolean;
}

export interface Routes {
  primary: number;
  canary: number;
  mirror: boolean;
  /**
   * A/B testing: the canary weight applies only to requests matching `analysis.match`, everyone
   * else stays on the primary. Without it the weights apply to all requests.
   */
  matchedOnly?: boolean;
  /**
   * Session affinity (`analysis.sessionAffinity`): the cookies, `name=value`, the router's objects
   * hand out or expire now. Observed only; the router derives the cookies of a new step itself.
   */
  cookies?: SessionAffinityCookies;
}

export interface SessionAffinityCookies {
  /** Set on canary responses while the canary has weight. */
  canary?: string;
  /** `primaryCookieName`: set on primary responses while the canary has weight. */
  primary?: string;
  /** The canary cookie of the last run, expired (Max-Age=-1) for those who still carry it. */
  expired?: string;
}

/**
 * What the Canary's router can do, as the capability table (api/capabilities.ts) says, with the
 * provider's name for messages; the engine adapts the strategy to it (and says so in an Event).
 */
export interface RouterCapabilities extends RoutingCapabilities {
  provider: string;
}

/** Result of one metric check. */
export interface CheckResult {
  name: string;
  verdict: CheckVerdict;
  value: number | null;
  min?: number;
  max?: number;
  /** Why it failed, with the query's error where there is one. Never a secret. */
  message?: string;
  /** The rendered query, for logs. */
  query?: string;
}

/** Result of one webhook call. */
export interface HookResult {
  name: string;
  type: HookType;
  /** Flagger's rule: HTTP 200, 201 or 202. */
  ok: boolean;
  status?: number;
  message?: string;
}

/** The world as observed before deciding: all cheap reads (informer caches). */
export interface WorldObservation {
  target: WorkloadObservation;
  primary: WorkloadObservation;
  /** Current routes as the router reports them; null before the router's objects exist. */
  routes: Routes | null;
  router: RouterCapabilities;
  /** Replicas to give the canary when scaling it up from zero. */
  canaryReplicasWhenUp: number;
  /** May a new analysis start now (the global --max-concurrent-analyses cap)? */
  analysisSlot: boolean;
  /** Validation error of the spec or its references; the engine parks the Canary when set. */
  invalid?: string;
  /** What `pennant validate` warns about the spec: each is recorded as an Event once per spec generation. */
  warnings?: readonly string[];
  /** Name of the target's kind, for messages (Deployment, DaemonSet). */
  deleting?: boolean;
}

/** Things that cost I/O, evaluated only when the engine asks for them. */
export type Evaluation = 'metrics' | 'writeBack' | HookEvaluation;
export type HookEvaluation = Exclude<HookType, 'post-rollout' | 'event'>;

/** What the GitOps layer did with a pending write-back. Idempotent: done already counts as ok. */
export interface WriteBackResult {
  ok: boolean;
  /** What was (or was not) written, or why it failed; never a credential. */
  message: string;
  commit?: string;
}

export interface Observation extends WorldObservation {
  metrics?: CheckResult[];
  hooks?: Partial<Record<HookEvaluation, HookResult[]>>;
  writeBack?: WriteBackResult;
}

export type Severity = 'info' | 'warn' | 'error';

export type Action =
  | { kind: 'createPrimary' }
  | { kind: 'ensureRouting' }
  | { kind: 'promote' }
  | { kind: 'scale'; workload: 'canary' | 'primary'; replicas: number }
  /**
   * Freezes the canary's pods while users are served by them, so a new template cannot reach users
   * unanalysed. `revision` is the template the decision was made on: pausing fails if it changed since.
   */
  | { kind: 'pause'; workload: 'canary'; paused: boolean; revision?: string }
  | { kind: 'setRoutes'; routes: Routes }
  | { kind: 'runHooks'; type: 'post-rollout'; phase: 'Succeeded' | 'Failed' }
  | { kind: 'notify'; severity: Severity; message: string; fields: Record<string, string>; hook?: string }
  | { kind: 'event'; type: 'Normal' | 'Warning'; reason: string; message: string }
  | { kind: 'revertOnDeletion' }
  | { kind: 'removeFinalizer' }
  | { kind: 'addFinalizer' };

export type AdvanceResult =
  /** `at`: for metrics, the time of the step the queries are evaluated at (a point of the interval's grid). */
  | { kind: 'evaluate'; evaluation: Evaluation; at?: string }
  | { kind: 'decision'; status: CanaryStatus; actions: Action[]; requeueAfterMs: number | null };

export type Advance = (canary: Canary, observation: Observation, now: Date) => AdvanceResult;
