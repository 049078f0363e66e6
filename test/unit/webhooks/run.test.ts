import { describe, expect, it } from 'vitest';
import type { Canary, CanaryWebhook } from '../../../src/api/index.js';
import type { HookResult } from '../../../src/engine/types.js';
import { hookType, runEventHooks, runHooks, type WebhookPayload } from '../../../src/webhooks/index.js';

const hooks: CanaryWebhook[] = [
  { name: 'smoke', url: 'http://t/1' }, // "" / missing type = rollout
  { name: 'load', type: 'rollout', url: 'http://t/2' },
  { name: 'check', type: '', url: 'http://t/3' },
  { name: 'pre-a', type: 'pre-rollout', url: 'http://t/4' },
  { name: 'pre-b', type: 'pre-rollout', url: 'http://t/5' },
  { name: 'gate-a', type: 'confirm-promotion', url: 'http://t/6' },
  { name: 'gate-b', type: 'confirm-promotion', url: 'http://t/7' },
  { name: 'rb-a', type: 'rollback', url: 'http://t/8' },
  { name: 'rb-b', type: 'rollback', url: 'http://t/9' },
  { name: 'events', type: 'event', url: 'http://t/10', metadata: { team: 'web' } },
  { name: 'post', type: 'post-rollout', url: 'http://t/11' },
];

const canary: Canary = {
  apiVersion: 'pennant.dev/v1beta1',
  kind: 'Canary',
  metadata: { name: 'podinfo', namespace: 'test' },
  spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' }, analysis: { webhooks: hooks } },
  status: { phase: 'Progressing' },
};

/** A caller that fails the named hooks, recording every call. */
function caller(failing: string[]) {
  const calls: { hook: string; payload: WebhookPayload }[] = [];
  const call = async (hook: CanaryWebhook, payload: WebhookPayload): Promise<HookResult> => {
    calls.push({ hook: hook.name, payload });
    return { name: hook.name, type: hookType(hook), ok: !failing.includes(hook.name) };
  };
  return { calls, call };
}

describe('runHooks', () => {
  it.each<[Parameters<typeof runHooks>[1], string[], string[]]>([
    ['rollout', [], ['smoke', 'load', 'check']],
    ['rollout', ['smoke'], ['smoke']],
    ['rollout', ['load'], ['smoke', 'load']],
    ['pre-rollout', ['pre-a'], ['pre-a']],
    ['pre-rollout', [], ['pre-a', 'pre-b']],
    ['confirm-promotion', ['gate-a'], ['gate-a', 'gate-b']],
    ['rollback', ['rb-a', 'rb-b'], ['rb-a', 'rb-b']],
    ['post-rollout', ['post'], ['post']],
    ['confirm-rollout', [], []],
  ])('%s with failing %j calls %j', async (type, failing, called) => {
    const { calls, call } = caller(failing);
    const results = await runHooks(canary, type, 'Progressing', call);
    expect(calls.map((c) => c.hook)).toEqual(called);
    expect(results.map((r) => r.name)).toEqual(called);
    expect(results.every((r) => r.type === type)).toBe(true);
  });

  it('sends the phase it is given', async () => {
    const { calls, call } = caller([]);
    await runHooks(canary, 'post-rollout', 'Failed', call);
    expect(calls[0]?.payload).toMatchObject({ name: 'podinfo', namespace: 'test', phase: 'Failed' });
  });

  it('turns a throwing caller into a failed result and stops a rollout', async () => {
    const call = async (): Promise<HookResult> => {
      throw new Error('boom');
    };
    await expect(runHooks(canary, 'rollout', 'Progressing', call)).resolves.toEqual([
      { name: 'smoke', type: 'rollout', ok: false, message: 'boom' },
    ]);
  });

  it('returns nothing for a Canary without webhooks', async () => {
    const bare = { ...canary, spec: { ...canary.spec, analysis: {} } };
    await expect(runHooks(bare, 'rollout', 'Progressing', caller([]).call)).resolves.toEqual([]);
  });
});

describe('runEventHooks', () => {
  it('sends the event to every event hook', async () => {
    const { calls, call } = caller([]);
    const now = new Date(1_700_000_000_000);
    await runEventHooks(canary, { type: 'Warning', message: 'Rolling back' }, now, call);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.payload).toMatchObject({
      phase: 'Progressing',
      metadata: { eventMessage: 'Rolling back', eventType: 'Warning', timestamp: '1700000000000' },
    });
  });
});
