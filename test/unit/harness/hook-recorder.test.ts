import { afterEach, describe, expect, it } from 'vitest';
import { type HookRecorder, startHookRecorder } from '../../harness/hook-recorder.js';
import { waitUntil } from '../../harness/wait.js';

const payload = (name: string, checksum = 'c1') => ({ name, namespace: 'ns', phase: 'Progressing', checksum });

describe('hook recorder', () => {
  let hooks: HookRecorder;
  afterEach(() => hooks.close());

  const post = (path: string, body: unknown, key?: string, signal?: AbortSignal) =>
    fetch(`${hooks.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) }, body: JSON.stringify(body), ...(signal ? { signal } : {}) });

  it('records each call with its path, Idempotency-Key and payload, and counts them by a key', async () => {
    hooks = await startHookRecorder();
    expect((await post('/pre-rollout', payload('a'), 'k1')).status).toBe(200);
    await post('/pre-rollout', payload('a'), 'k1');
    await post('/pre-rollout', payload('b'), 'k2');
    await post('/post-rollout', payload('a'), 'k3');
    expect(hooks.calls()[0]).toEqual({ hook: '/pre-rollout', idempotencyKey: 'k1', payload: payload('a'), answered: true });
    expect([...hooks.countBy('/pre-rollout', (c) => c.idempotencyKey ?? '')]).toEqual([['k1', 2], ['k2', 1]]);
  });

  it('answers with the status its function decides from the calls so far', async () => {
    hooks = await startHookRecorder({ status: (_hook, p, calls) => (calls.filter((c) => c.payload.name === p.name).length >= 2 ? 200 : 403) });
    expect((await post('/gate', payload('a'))).status).toBe(403);
    expect((await post('/gate', payload('b'))).status).toBe(403);
    expect((await post('/gate', payload('a'))).status).toBe(200);
  });

  it('records a slow call the caller gave up on as not answered', async () => {
    hooks = await startHookRecorder({ slowMs: { '/pre-rollout': 300 } });
    const caller = new AbortController();
    const call = post('/pre-rollout', payload('a'), 'k1', caller.signal).catch(() => 'aborted');
    await waitUntil(() => hooks.calls().length === 1, { what: 'the call to arrive' });
    caller.abort();
    expect(await call).toBe('aborted');
    await new Promise((r) => setTimeout(r, 400));
    expect(hooks.calls()[0]?.answered).toBe(false);
  });
});
