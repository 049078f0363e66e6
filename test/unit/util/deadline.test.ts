import { describe, expect, it } from 'vitest';
import { deadline } from '../../../src/util/deadline.js';

describe('deadline', () => {
  it('aborts when the time is up', async () => {
    const limit = deadline(new AbortController().signal, 10);
    await new Promise((resolve) => limit.signal.addEventListener('abort', resolve));
    expect(limit.timedOut()).toBe(true);
    limit.dispose();
  });

  it('aborts with the caller, without timing out', () => {
    const caller = new AbortController();
    const limit = deadline(caller.signal, 60_000);
    caller.abort(new Error('shutdown'));
    expect(limit.signal.aborted).toBe(true);
    expect(limit.timedOut()).toBe(false);
    limit.dispose();
  });

  it('starts aborted when the caller already is', () => {
    const limit = deadline(AbortSignal.abort(), 60_000);
    expect(limit.signal.aborted).toBe(true);
    limit.dispose();
  });

  it('detaches from the caller once disposed', () => {
    const caller = new AbortController();
    const limit = deadline(caller.signal, 60_000);
    limit.dispose();
    caller.abort();
    expect(limit.signal.aborted).toBe(false);
  });
});
