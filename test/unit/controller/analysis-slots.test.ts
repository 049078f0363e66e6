import { describe, expect, it } from 'vitest';
import type { CanaryStatus } from '../../../src/api/index.js';
import { AnalysisSlots, type SlotHolder } from '../../../src/controller/analysis-slots.js';

type Phase = NonNullable<CanaryStatus['phase']>;
const holder = (key: string, phase?: Phase, queuedSince?: string): SlotHolder => ({
  key,
  status: phase ? { phase, ...(queuedSince ? { queuedSince } : {}) } : undefined,
});
const T = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

/** Slots over a list of Canaries the test can change, as the informer cache would. */
function slots(max: number, canaries: SlotHolder[] = []) {
  const list = [...canaries];
  const s = new AnalysisSlots(max, () => list);
  const set = (h: SlotHolder) => {
    const i = list.findIndex((c) => c.key === h.key);
    if (i >= 0) list[i] = h;
    else list.push(h);
  };
  return { s, set };
}

describe('AnalysisSlots', () => {
  it('max 0 means no limit', () => {
    const { s } = slots(0, Array.from({ length: 20 }, (_, i) => holder(`ns/c${i}`, 'Progressing')));
    expect(s.available('ns/new', { phase: 'Succeeded' })).toBe(true);
    expect(s.tryReserve('ns/new')).toBe(true);
    expect(s.tryReserve('ns/other')).toBe(true);
  });

  it.each<[Phase | undefined, boolean]>([
    ['Progressing', true],
    ['WaitingPromotion', true],
    ['Promoting', true],
    ['Finalising', true],
    ['Waiting', false],
    ['Initializing', false],
    ['Initialized', false],
    ['Succeeded', false],
    ['Failed', false],
    ['Terminating', false],
    [undefined, false],
  ])('a Canary in phase %s holds a slot: %s', (phase, holds) => {
    const { s } = slots(1, [holder('ns/other', phase)]);
    expect(s.count()).toBe(holds ? 1 : 0);
    expect(s.available('ns/me', { phase: 'Succeeded' })).toBe(!holds);
    expect(s.tryReserve('ns/me')).toBe(!holds);
  });

  it('a Canary that is already analysing always has its slot, even over the limit', () => {
    const { s } = slots(1, [holder('ns/a', 'Progressing'), holder('ns/b', 'Progressing')]);
    expect(s.available('ns/b', { phase: 'Progressing' })).toBe(true);
  });

  it('its own slot does not count against it', () => {
    const { s } = slots(1, [holder('ns/a', 'Waiting', T(0))]);
    expect(s.tryReserve('ns/a')).toBe(true);
    expect(s.tryReserve('ns/a')).toBe(true);
    expect(s.available('ns/a', { phase: 'Waiting', queuedSince: T(0) })).toBe(true);
  });

  it('a reservation holds a slot until the cache shows the Canary analysing, and is counted once', () => {
    const { s, set } = slots(2, [holder('ns/a', 'Succeeded'), holder('ns/b', 'Succeeded'), holder('ns/c', 'Succeeded')]);
    expect(s.tryReserve('ns/a')).toBe(true);
    expect(s.count()).toBe(1);
    expect(s.tryReserve('ns/b')).toBe(true);
    expect(s.tryReserve('ns/c')).toBe(false);
    expect(s.available('ns/c', { phase: 'Succeeded' })).toBe(false);
    s.settle('ns/a', 'Progressing');
    set(holder('ns/a', 'Progressing'));
    expect(s.count()).toBe(2);
  });

  it.each<[Phase | undefined]>([['Succeeded'], ['Failed'], ['Waiting'], [undefined]])('settle with phase %s releases the slot', (phase) => {
    const { s } = slots(1, [holder('ns/a', 'Succeeded'), holder('ns/b', 'Succeeded')]);
    expect(s.tryReserve('ns/a')).toBe(true);
    expect(s.tryReserve('ns/b')).toBe(false);
    s.settle('ns/a', phase);
    expect(s.count()).toBe(0);
    expect(s.tryReserve('ns/b')).toBe(true);
  });

  it('a Canary that finished frees its slot once the cache shows it', () => {
    const { s, set } = slots(1, [holder('ns/a', 'Progressing'), holder('ns/b', 'Waiting', T(0))]);
    expect(s.available('ns/b', { phase: 'Waiting', queuedSince: T(0) })).toBe(false);
    set(holder('ns/a', 'Succeeded'));
    s.settle('ns/a', 'Succeeded');
    expect(s.available('ns/b', { phase: 'Waiting', queuedSince: T(0) })).toBe(true);
  });

  describe('waiting Canaries get free slots first come, first served', () => {
    const queue = [holder('ns/b', 'Waiting', T(1)), holder('ns/c', 'Waiting', T(2)), holder('ns/a', 'Waiting', T(2)), holder('ns/d', 'Waiting', T(3))];
    const waiting = (s: number): CanaryStatus => ({ phase: 'Waiting', queuedSince: T(s) });
    it.each<[string, { max: number; running?: number }, string, CanaryStatus | undefined, boolean]>([
      ['the first in line gets the only slot', { max: 1 }, 'ns/b', waiting(1), true],
      ['the second in line waits for the only slot', { max: 1 }, 'ns/a', waiting(2), false],
      ['two slots, same time: ns/a goes (key order)', { max: 2 }, 'ns/a', waiting(2), true],
      ['two slots, same time: ns/c waits behind ns/a', { max: 2 }, 'ns/c', waiting(2), false],
      ['three slots: the last in line still waits', { max: 3 }, 'ns/d', waiting(3), false],
      ['four slots: everyone goes', { max: 4 }, 'ns/d', waiting(3), true],
      ['two slots, one running: the second in line waits', { max: 2, running: 1 }, 'ns/a', waiting(2), false],
      ['a Canary not queued yet is behind every queued one', { max: 4 }, 'ns/new', { phase: 'Succeeded' }, false],
      ['a Canary not queued yet goes when the slots outnumber the queue', { max: 5 }, 'ns/new', { phase: 'Succeeded' }, true],
    ])('%s', (_, { max, running = 0 }, key, status, expected) => {
      const { s } = slots(max, [...queue, ...Array.from({ length: running }, (__, i) => holder(`ns/run${i}`, 'Progressing'))]);
      expect(s.available(key, status)).toBe(expected);
    });
  });

  it('a Canary that reserved a slot and still shows Waiting in the cache takes one slot, not two', () => {
    // ns/a was first in line and reserved; its status write has not reached the cache yet.
    const { s } = slots(2, [holder('ns/a', 'Waiting', T(0)), holder('ns/b', 'Waiting', T(1))]);
    expect(s.tryReserve('ns/a')).toBe(true);
    expect(s.available('ns/b', { phase: 'Waiting', queuedSince: T(1) })).toBe(true);
  });
});
