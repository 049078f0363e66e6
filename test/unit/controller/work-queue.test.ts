import { describe, expect, it } from 'vitest';
import { WorkQueue } from '../../../src/controller/work-queue.js';
import { prng } from './prng.js';

/** Runs every pending microtask (and their follow-ups), so awaited gets resolve. */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('WorkQueue', () => {
  it.each<[string, (q: WorkQueue) => void, string[]]>([
    ['keys come out in the order they were added', (q) => ['a', 'b', 'c'].forEach((k) => q.add(k)), ['a', 'b', 'c']],
    ['a key waiting is queued once', (q) => ['a', 'b', 'a', 'a', 'b'].forEach((k) => q.add(k)), ['a', 'b']],
  ])('%s', async (_, fill, expected) => {
    const q = new WorkQueue();
    fill(q);
    expect(q.length).toBe(expected.length);
    const got: (string | undefined)[] = [];
    for (let i = 0; i < expected.length; i++) got.push(await q.get());
    expect(got).toEqual(expected);
    expect(q.length).toBe(0);
    expect(q.active).toBe(expected.length);
  });

  it('a key added while in flight is not handed out again before done, then once', async () => {
    const q = new WorkQueue();
    q.add('a');
    expect(await q.get()).toBe('a');
    q.add('a');
    q.add('a');
    expect(q.length).toBe(0);
    q.add('b');
    expect(await q.get()).toBe('b');
    let next: string | undefined = 'none';
    void q.get().then((k) => (next = k));
    await flush();
    expect(next).toBe('none'); // 'a' is still in flight
    q.done('a');
    await flush();
    expect(next).toBe('a');
    q.done('a');
    expect(q.length).toBe(0);
    expect(q.active).toBe(1); // only 'b'
  });

  it('a key done without being added again is not re-queued', async () => {
    const q = new WorkQueue();
    q.add('a');
    await q.get();
    q.done('a');
    expect(q.length).toBe(0);
    expect(q.active).toBe(0);
  });

  it('a waiting worker gets a key as soon as it is added', async () => {
    const q = new WorkQueue();
    const got = q.get();
    q.add('a');
    expect(await got).toBe('a');
    expect(q.active).toBe(1);
    q.add('a'); // in flight: marked, not queued
    expect(q.length).toBe(0);
  });

  it('shutdown wakes every waiting worker with undefined and ignores later adds', async () => {
    const q = new WorkQueue();
    const waiting = [q.get(), q.get(), q.get()];
    q.shutdown();
    expect(await Promise.all(waiting)).toEqual([undefined, undefined, undefined]);
    q.add('a');
    expect(q.length).toBe(0);
    expect(await q.get()).toBeUndefined();
  });

  it('shutdown lets the workers drain the keys already queued', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.shutdown();
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBeUndefined();
  });

  it.each([2, 4, 8])('%i concurrent workers never process one key at once, and every add after a start is processed after it', async (workers) => {
    const q = new WorkQueue();
    const keys = ['a', 'b', 'c', 'd'];
    const running = new Set<string>();
    const processed: Record<string, number> = {};
    const lastAdd: Record<string, number> = {};
    const lastStart: Record<string, number> = {};
    let clock = 0;
    let overlaps = 0;
    // A seeded sequence (no Math.random: the test must be repeatable).
    const rand = prng(workers * 7919);

    const worker = async () => {
      for (;;) {
        const key = await q.get();
        if (key === undefined) return;
        if (running.has(key)) overlaps++;
        running.add(key);
        lastStart[key] = ++clock;
        processed[key] = (processed[key] ?? 0) + 1;
        for (let i = rand(3); i >= 0; i--) await flush();
        running.delete(key);
        q.done(key);
      }
    };
    const all = Array.from({ length: workers }, worker);
    for (let i = 0; i < 200; i++) {
      const key = keys[rand(keys.length)] ?? 'a';
      q.add(key);
      lastAdd[key] = ++clock;
      if (rand(2) === 0) await flush();
    }
    while (q.length > 0 || q.active > 0) await flush();
    q.shutdown();
    await Promise.all(all);

    expect(overlaps).toBe(0);
    for (const key of keys) {
      if (lastAdd[key] === undefined) continue;
      // The last add of each key was followed by a processing that started after it.
      expect(lastStart[key], key).toBeGreaterThan(lastAdd[key] ?? Infinity);
    }
    // Adds are collapsed while waiting or in flight: far fewer runs than adds.
    const runs = Object.values(processed).reduce((a, b) => a + b, 0);
    expect(runs).toBeGreaterThanOrEqual(keys.filter((k) => lastAdd[k] !== undefined).length);
    expect(runs).toBeLessThanOrEqual(200);
  });

  describe('lanes', () => {
    it('events come out before idle re-checks, each lane in the order added', async () => {
      const q = new WorkQueue();
      for (const key of ['r1', 'r2', 'r3']) q.add(key, 'resync');
      q.add('e1');
      q.add('e2', 'event');
      const got: (string | undefined)[] = [];
      for (let i = 0; i < 5; i++) got.push(await q.get());
      expect(got).toEqual(['e1', 'e2', 'r1', 'r2', 'r3']);
    });

    it('a key waiting as a re-check moves up when it becomes an event, and is still queued once', async () => {
      const q = new WorkQueue();
      for (const key of ['r1', 'r2', 'r3']) q.add(key, 'resync');
      q.add('e1');
      q.add('r3');
      q.add('r3', 'resync'); // does not move it back down
      expect(q.length).toBe(4);
      const got: (string | undefined)[] = [];
      for (let i = 0; i < 4; i++) got.push(await q.get());
      expect(got).toEqual(['e1', 'r3', 'r1', 'r2']);
    });

    it('a key added while in flight comes back in the most urgent lane it was added in', async () => {
      const q = new WorkQueue();
      q.add('a');
      await q.get();
      q.add('a', 'resync');
      q.add('a', 'event');
      q.add('a', 'resync');
      q.add('r', 'resync');
      q.done('a');
      expect(await q.get()).toBe('a'); // an event: ahead of 'r', which was queued first
      expect(await q.get()).toBe('r');
    });

    it('tells how long each key waited, by lane, from its first add (a move up keeps the wait)', async () => {
      let now = 0;
      const waits: [string, number][] = [];
      const q = new WorkQueue((lane, seconds) => waits.push([lane, seconds]), () => now);
      q.add('r', 'resync');
      now = 1500;
      q.add('e');
      q.add('r'); // up to the event lane, queued since 0
      now = 2000;
      await q.get();
      now = 2250;
      await q.get();
      expect(waits).toEqual([['event', 0.5], ['event', 2.25]]);
      // A worker already waiting takes the key at once: a wait of 0.
      const waiting = q.get();
      q.add('x', 'resync');
      expect(await waiting).toBe('x');
      expect(waits.at(-1)).toEqual(['resync', 0]);
    });
  });
});
