import type { Logger } from 'pino';
import type { Canary } from '../api/index.js';
import { type Action, FINALIZER } from '../engine/index.js';
import type { KubeClient } from '../kube/types.js';
import type { Notifier } from '../notify/index.js';
import type { Router } from '../routers/index.js';
import { callWebhook, type HookCaller, runEventHooks, runHooks } from '../webhooks/index.js';
import type { Workload } from '../workloads/index.js';
import type { ControllerMetrics } from './metrics.js';
import { idempotencyKey } from './side-effects.js';

export interface ActorDeps {
  kube: KubeClient;
  notifier: Notifier;
  logger: Logger;
  metrics: ControllerMetrics;
  callHook?: HookCaller;
  now: () => Date;
}

export interface Target {
  canary: Canary;
  workload: Workload;
  router: Router;
}

const AFTER_STATUS: ReadonlySet<Action['kind']> = new Set(['event', 'notify', 'runHooks']);

/** Actions that change the cluster run before the status write; if one fails, nothing is recorded. */
export const worldActions = (actions: Action[]): Action[] => actions.filter((a) => !AFTER_STATUS.has(a.kind));
/** Telling people (and Git) runs after the status write, so a conflict does not tell them twice. */
export const reportActions = (actions: Action[]): Action[] => actions.filter((a) => AFTER_STATUS.has(a.kind));

export async function changeWorld(deps: ActorDeps, t: Target, actions: Action[]): Promise<void> {
  for (const action of actions) {
    switch (action.kind) {
      case 'ensureRouting': await t.router.reconcile(t.canary); break;
      case 'createPrimary': await t.workload.createPrimary(t.canary); break;
      case 'promote': await t.workload.promote(t.canary); break;
      case 'scale':
        if (action.workload !== 'canary') throw new Error('scaling the primary is left to its autoscaler');
        await t.workload.scaleCanary(t.canary, action.replicas);
        break;
      case 'pause': await t.workload.pauseCanary(t.canary, action.paused, action.revision); break;
      case 'setRoutes': await t.router.setRoutes(t.canary, action.routes); break;
      case 'revertOnDeletion': await t.router.finalize(t.canary); break;
      case 'addFinalizer': await setFinalizer(deps.kube, t.canary, true); break;
      case 'removeFinalizer': await setFinalizer(deps.kube, t.canary, false); break;
      default: throw new Error(`${action.kind} is not a world action`);
    }
  }
}

/** Events, alerts and post-rollout hooks. Each failure is logged; none stops the others. */
export async function report(deps: ActorDeps, canary: Canary, actions: Action[], signal: AbortSignal, decision = ''): Promise<void> {
  const call = deps.callHook ?? ((hook, payload, options) => callWebhook(hook, payload, { signal, ...options }));
  const log = deps.logger.child({ canary: `${canary.metadata.namespace}/${canary.metadata.name}` });
  for (const action of actions) {
    try {
      await reportOne(deps, canary, action, call, decision, signal);
    } catch (err) {
      if (action.kind === 'notify') deps.metrics.notifications.inc({ severity: action.severity, result: 'failed' });
      log.error({ err: err instanceof Error ? err.message : String(err), action: action.kind }, `could not ${action.kind}`);
    }
  }
}

async function reportOne(deps: ActorDeps, canary: Canary, action: Action, call: HookCaller, decision: string, signal: AbortSignal): Promise<void> {
  switch (action.kind) {
    case 'event':
      await deps.kube.recordEvent({ regarding: canaryRef(canary), type: action.type, reason: action.reason, message: action.message });
      await runEventHooks(canary, { type: action.type, message: action.message }, deps.now(), call);
      return;
    case 'notify':
      await deps.notifier.post({ canary, severity: action.severity, message: action.message, fields: action.fields }, signal);
      deps.metrics.notifications.inc({ severity: action.severity, result: 'sent' });
      return;
    case 'runHooks': {
      const results = await runHooks(canary, action.type, action.phase, call, (hook) => idempotencyKey(decision, 'post-rollout', hook.name));
      for (const failed of results.filter((r) => !r.ok)) {
        await deps.kube.recordEvent({ regarding: canaryRef(canary), type: 'Warning', reason: 'PostRolloutHookFailed', message: `post-rollout hook ${failed.name} failed: ${failed.message ?? ''}` });
      }
      return;
    }
    default:
      throw new Error(`${action.kind} is not a report action`);
  }
}

export function canaryRef(canary: Canary) {
  return {
    apiVersion: canary.apiVersion,
    kind: 'Canary',
    namespace: canary.metadata.namespace ?? 'default',
    name: canary.metadata.name ?? '',
    ...(canary.metadata.uid ? { uid: canary.metadata.uid } : {}),
  };
}

async function setFinalizer(kube: KubeClient, canary: Canary, present: boolean): Promise<void> {
  const current = canary.metadata.finalizers ?? [];
  const finalizers = present ? [...new Set([...current, FINALIZER])] : current.filter((f) => f !== FINALIZER);
  await kube.patch(canaryRef(canary), { metadata: { finalizers } });
}
