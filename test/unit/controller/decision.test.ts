import { describe, expect, it } from 'vitest';
import type { Canary, CanaryWebhook } from '../../../src/api/index.js';
import { DecisionConflict, DecisionRun } from '../../../src/controller/decision.js';
import { EvaluationMemo } from '../../../src/controller/side-effects.js';
import type { HookResult, Observation } from '../../../src/engine/index.js';
import { NoWriteBack } from '../../../src/gitops/index.js';
import { MemoryKube } from '../../../src/kube/memory.js';
import type { KubeObject } from '../../../src/kube/types.js';
import { controllerConfig } from '../../../src/controller/config.js';
import { ClusterCache } from '../../../src/controller/cluster-cache.js';

const CANARY = { apiVersion: 'pennant.dev/v1beta1', kind: 'Canary' };
const obs = {} as Observation;
const signal = new AbortController().signal;

async function setup(status: Record<string, unknown> = { phase: 'Progressing', lastStepTime: '2026-01-01T00:00:00Z' }) {
  const kube = new MemoryKube();
  const created = await kube.create({
    ...CANARY,
    metadata: { name: 'podinfo', namespace: 'test' },
    spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' }, analysis: { webhooks: [{ name: 'load-test', url: 'http://hooks.test/' }, { name: 'gate', type: 'confirm-rollout', url: 'http://hooks.test/gate' }] } },
  });
  const raw = await kube.patchStatus({ ...CANARY, namespace: 'test', name: 'podinfo' }, status, created.metadata.resourceVersion ?? '');
  const calls: { name: string; key: string | undefined }[] = [];
  const memo = new EvaluationMemo();
  const deps = {
    kube,
    memo,
    now: () => new Date('2026-01-01T00:01:00Z'),
    cache: new ClusterCache(kube),
    config: controllerConfig.parse({}),
    writeBack: new NoWriteBack(),
    callHook: async (hook: CanaryWebhook, _payload: unknown, options?: { idempotencyKey?: string }): Promise<HookResult> => {
      calls.push({ name: hook.name, key: options?.idempotencyKey });
      return { name: hook.name, type: 'rollout', ok: true, status: 200 };
    },
  };
  const run = (object: KubeObject = raw, withMemo = memo) => new DecisionRun({ ...deps, memo: withMemo }, 'test/podinfo', object, object as unknown as Canary);
  return { kube, raw, calls, memo, run };
}

describe('DecisionRun: hooks that change the world run at most once per decision', () => {
  it('records the start of rollout hooks in the status (with the decision) before calling them', async () => {
    const { kube, calls, run } = await setup();
    const decision = run();
    const answered = await decision.evaluate('rollout', obs, signal);
    expect(answered.hooks?.rollout).toEqual([expect.objectContaining({ name: 'load-test', ok: true })]);
    const stored = await kube.get({ ...CANARY, namespace: 'test', name: 'podinfo' });
    expect((stored?.status as { hooksStarted?: unknown }).hooksStarted).toEqual({ decision: decision.key, type: 'rollout', since: '2026-01-01T00:01:00.000Z' });
    expect(decision.resourceVersion).toBe(stored?.metadata.resourceVersion);
    expect(calls).toEqual([{ name: 'load-test', key: expect.stringMatching(/^pennant-/) }]);
  });

  it('a decision made again (after a conflict) gets the same answers without calling again', async () => {
    const { calls, run, kube } = await setup();
    await run().evaluate('rollout', obs, signal);
    const after = await kube.get({ ...CANARY, namespace: 'test', name: 'podinfo' });
    const again = await run(after ?? undefined).evaluate('rollout', obs, signal);
    expect(again.hooks?.rollout?.[0]?.ok).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('after a crash (the start recorded, the memo gone) the hooks are not called again, and the step fails saying why', async () => {
    const { calls, run, kube } = await setup();
    await run().evaluate('rollout', obs, signal);
    const recorded = await kube.get({ ...CANARY, namespace: 'test', name: 'podinfo' });
    const restarted = run(recorded ?? undefined, new EvaluationMemo());
    const answered = await restarted.evaluate('rollout', obs, signal);
    expect(calls).toHaveLength(1);
    expect(answered.hooks?.rollout).toEqual([expect.objectContaining({ name: 'load-test', ok: false, message: expect.stringMatching(/not called again: the controller stopped while the rollout hooks ran/) })]);
  });

  it('a start recorded for another decision (an older step) does not stop this one', async () => {
    const { calls, run } = await setup({ phase: 'Progressing', lastStepTime: '2026-01-01T00:00:30Z', hooksStarted: { decision: 'older', type: 'rollout', since: '2026-01-01T00:00:00Z' } });
    await run().evaluate('rollout', obs, signal);
    expect(calls).toHaveLength(1);
  });

  it('a Canary that changed before the start could be recorded: a DecisionConflict, nothing called', async () => {
    const { calls, run, raw, kube } = await setup();
    const decision = run(raw);
    await kube.patch({ ...CANARY, namespace: 'test', name: 'podinfo' }, { metadata: { annotations: { touched: 'yes' } } });
    await expect(decision.evaluate('rollout', obs, signal)).rejects.toBeInstanceOf(DecisionConflict);
    expect(calls).toEqual([]);
  });

  it('gates are asked again by every decision: a settled decision forgets its answers', async () => {
    const { calls, run } = await setup();
    const first = run();
    await first.evaluate('confirm-rollout', obs, signal);
    first.settled();
    await run().evaluate('confirm-rollout', obs, signal);
    expect(calls.map((c) => c.name)).toEqual(['gate', 'gate']);
  });
});
