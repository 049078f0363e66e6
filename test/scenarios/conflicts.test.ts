import { afterEach, describe, expect, it } from 'vitest';
import type { Canary, CanaryWebhook } from '../../src/api/index.js';
import { InMemoryStack } from '../../src/demo/in-memory-stack.js';
import { podinfoCanary, podinfoDeployment } from '../../src/demo/manifests.js';
import type { HookResult, WriteBackResult } from '../../src/engine/index.js';
import type { PendingWriteBack, WriteBack } from '../../src/gitops/index.js';
import type { MemoryKube } from '../../src/kube/memory.js';
import type { KubeClient, ObjectRef } from '../../src/kube/types.js';
import { type HookCallOptions, hookType, type WebhookPayload } from '../../src/webhooks/index.js';
import { setImage, waitForPhase } from './helpers.js';

const NS = 'test';

/**
 * A cluster where someone else touches the Canary (an annotation, as kubectl or a GitOps tool
 * would) between Pennant's read and its status write, on every other status write: every decision's
 * status write, and every record of starting hooks, may get a 409 and be made again.
 */
function conflictingClient(kube: MemoryKube, counts: { writes: number; injected: number }): KubeClient {
  return new Proxy(kube, {
    get(target, prop, receiver) {
      if (prop !== 'patchStatus') return Reflect.get(target, prop, receiver) as unknown;
      return async (ref: ObjectRef, status: unknown, resourceVersion: string) => {
        if (ref.kind === 'Canary' && counts.writes++ % 2 === 0) {
          counts.injected++;
          await target.patch(ref, { metadata: { annotations: { 'touched-by': `someone-${counts.injected}` } } });
        }
        return target.patchStatus(ref, status, resourceVersion);
      };
    },
  });
}

class CountingWriteBack implements WriteBack {
  readonly calls: PendingWriteBack['outcome'][] = [];
  async apply(_canary: Canary, pending: PendingWriteBack): Promise<WriteBackResult> {
    this.calls.push(pending.outcome);
    return { ok: true, message: 'committed', commit: `c${this.calls.length}` };
  }
}

describe('side effects run at most once per decision, whatever conflicts', () => {
  let stack: InMemoryStack | undefined;
  afterEach(async () => {
    await stack?.stop();
  });

  it('every status write losing to a concurrent change once: each hook is called once per step, the write-back once per outcome', async () => {
    const calls: { name: string; key: string | undefined; weight: number | undefined }[] = [];
    const counts = { writes: 0, injected: 0 };
    const writeBack = new CountingWriteBack();
    const live: { kube?: MemoryKube } = {};
    const callHook = async (hook: CanaryWebhook, payload: WebhookPayload, options?: HookCallOptions): Promise<HookResult> => {
      const canary = await live.kube?.get({ apiVersion: 'pennant.dev/v1beta1', kind: 'Canary', namespace: payload.namespace, name: payload.name });
      calls.push({ name: hook.name, key: options?.idempotencyKey, weight: (canary?.status as { canaryWeight?: number } | undefined)?.canaryWeight });
      return { name: hook.name, type: hookType(hook), ok: true, status: 200 };
    };
    stack = new InMemoryStack({ callHook, writeBack, clientFor: (kube) => conflictingClient(kube, counts) });
    live.kube = stack.kube;
    await stack.start();
    await stack.kube.create(podinfoDeployment(NS, { image: 'podinfo:6.0.0' }));
    const webhooks = [
      { name: 'migrate', type: 'pre-rollout', url: 'http://hooks.test/migrate' },
      { name: 'load-test', type: 'rollout', url: 'http://hooks.test/load' },
      { name: 'notify', type: 'post-rollout', url: 'http://hooks.test/notify' },
    ];
    await stack.kube.create(podinfoCanary({ namespace: NS, interval: '1s', provider: 'gatewayapi:v1', gatewayRefs: [{ name: 'public', namespace: 'gateways' }], maxWeight: 30, webhooks }));
    await waitForPhase(stack.kube, NS, 'Initialized');
    await setImage(stack.kube, NS, 'podinfo:6.0.1');
    await waitForPhase(stack.kube, NS, 'Succeeded');

    expect(counts.injected, 'conflicts were injected').toBeGreaterThan(10);
    const conflicts = (await stack.metrics.conflicts.get()).values.reduce((sum, v) => sum + v.value, 0);
    expect(conflicts, 'the controller saw them as conflicts').toBeGreaterThan(10);
    const named = (name: string) => calls.filter((c) => c.name === name);
    expect(named('migrate').length, 'pre-rollout: once').toBe(1);
    // stepWeight 10 up to 30: the rollout hooks run on the steps at 10, 20 and 30, once each.
    expect(named('load-test').map((c) => c.weight)).toEqual([10, 20, 30]);
    expect(named('notify').length, 'post-rollout: once').toBe(1);
    expect(writeBack.calls).toEqual(['promoted']);
    // Each call of a decision carries its own key, never reused by another decision.
    const keys = calls.map((c) => c.key);
    expect(keys.every((k) => typeof k === 'string' && k.startsWith('pennant-'))).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
  }, 60_000);
});
