import { describe, expect, it } from 'vitest';
import { type Clock, Scheduler } from '../../../src/controller/scheduler.js';

/** A clock whose time moves only when the test says so; it counts the timers that are armed. */
class FakeClock implements Clock {
  time = 1_000_000;
  private nextId = 0;
  readonly timers = new Map<number, { at: number; callback: () => void }>();
  armedTotal = 0;

  now(): number {
    return this.time;
  }
  setTimer(callback: () => void, ms: number): unknown {
    const id = ++this.nextId;
    this.timers.set(id, { at: this.time + ms, callback });
    this.armedTotal++;
    return id;
  }
  clearTimer(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  get armed(): number {
    return this.timers.size;
  }
  get nextAt(): number | undefined {
    return Math.min(...[...this.timers.values()].map((t) => t.at));
  }
  /** Moves time forward, firing due timers in time order (each at its own time). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = Math.max(this.time, due[1].at);
      due[1].callback();
    }
    this.time = end;
  }
}

function setup() {
  const clock = new FakeClock();
  const fired: { key: string; at: number }[] = [];
  const scheduler = new Scheduler((key) => fired.push({ key, at: clock.now() - 1_000_000 }), clock);
  return { clock, fired, scheduler, keys: () => fired.map((f) => f.key) };
}

describe('Scheduler', () => {
  it('fires a key after its delay, not before', () => {
    const { clock, scheduler, keys } = setup();
    scheduler.schedule('a', 1000);
    clock.advance(999);
    expect(keys()).toEqual([]);
    clock.advance(1);
    expect(keys()).toEqual(['a']);
    expect(scheduler.size).toBe(0);
  });

  it('keeps one timer armed, whatever the number of keys', () => {
    const { clock, scheduler } = setup();
    for (let i = 0; i < 50; i++) scheduler.schedule(`k${i}`, 1000 + ((i * 37) % 500));
    expect(clock.armed).toBe(1);
    expect(scheduler.size).toBe(50);
    clock.advance(1200);
    expect(clock.armed).toBe(1);
    clock.advance(1000);
    expect(clock.armed).toBe(0);
  });

  it('re-arms only when a sooner time arrives', () => {
    const { clock, scheduler } = setup();
    scheduler.schedule('a', 5000);
    scheduler.schedule('b', 9000);
    expect(clock.armedTotal).toBe(1);
    scheduler.schedule('c', 1000);
    expect(clock.armedTotal).toBe(2);
    expect(clock.armed).toBe(1);
    expect(clock.nextAt).toBe(clock.time + 1000);
  });

  it.each<[string, number, number, number]>([
    ['a sooner schedule wins over a later one', 5000, 1000, 1000],
    ['a later schedule does not delay a sooner one', 1000, 5000, 1000],
    ['the same time twice fires once', 2000, 2000, 2000],
  ])('%s', (_, first, second, expectedAt) => {
    const { clock, fired, scheduler } = setup();
    scheduler.schedule('a', first);
    scheduler.schedule('a', second);
    expect(scheduler.size).toBe(1);
    clock.advance(10_000);
    expect(fired).toEqual([{ key: 'a', at: expectedAt }]);
  });

  it('a cancelled key does not fire; others still do', () => {
    const { clock, scheduler, keys } = setup();
    scheduler.schedule('a', 1000);
    scheduler.schedule('b', 2000);
    scheduler.cancel('a');
    expect(scheduler.size).toBe(1);
    clock.advance(5000);
    expect(keys()).toEqual(['b']);
  });

  it('a key cancelled and scheduled again fires at the new time only', () => {
    const { clock, fired, scheduler } = setup();
    scheduler.schedule('a', 1000);
    scheduler.cancel('a');
    scheduler.schedule('a', 3000);
    clock.advance(5000);
    expect(fired).toEqual([{ key: 'a', at: 3000 }]);
  });

  it('fires each key with the lane it was scheduled for; a sooner schedule brings its own lane', () => {
    const clock = new FakeClock();
    const fired: [string, string][] = [];
    const scheduler = new Scheduler((key, lane) => fired.push([key, lane]), clock);
    scheduler.schedule('idle', 300_000, 'resync');
    scheduler.schedule('step', 30_000);
    scheduler.schedule('bumped', 300_000, 'resync');
    scheduler.schedule('bumped', 500); // its Deployment changed meanwhile: an event, sooner
    scheduler.schedule('step', 60_000, 'resync'); // later: the sooner step (an event) is kept
    clock.advance(300_000);
    expect(fired).toEqual([['bumped', 'event'], ['step', 'event'], ['idle', 'resync']]);
  });

  it('a negative delay fires at once', () => {
    const { clock, fired, scheduler } = setup();
    scheduler.schedule('a', -500);
    clock.advance(0);
    expect(fired).toEqual([{ key: 'a', at: 0 }]);
  });

  it('many keys fire in time order, each at its time', () => {
    const { clock, fired, scheduler } = setup();
    // Scheduled in a scrambled order, with reschedules to sooner and to later times.
    const delays = Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, delay: ((i * 7919) % 97) * 100 + 100 }));
    for (const { key, delay } of delays) scheduler.schedule(key, delay);
    for (const { key, delay } of delays.filter((_, i) => i % 5 === 0)) scheduler.schedule(key, Math.floor(delay / 2));
    for (const { key, delay } of delays.filter((_, i) => i % 7 === 0)) scheduler.schedule(key, delay * 3);
    const expectedAt = new Map(delays.map(({ key, delay }, i) => [key, i % 5 === 0 ? Math.floor(delay / 2) : delay]));

    clock.advance(20_000);

    expect(fired).toHaveLength(40);
    expect(new Set(fired.map((f) => f.key)).size).toBe(40);
    for (const f of fired) expect(f.at, f.key).toBe(expectedAt.get(f.key));
    const times = fired.map((f) => f.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('keys scheduled while firing are kept', () => {
    const clock = new FakeClock();
    const fired: string[] = [];
    const scheduler: Scheduler = new Scheduler((key) => {
      fired.push(key);
      if (key === 'a') scheduler.schedule('again', 500);
    }, clock);
    scheduler.schedule('a', 1000);
    clock.advance(1000);
    expect(fired).toEqual(['a']);
    expect(clock.armed).toBe(1);
    clock.advance(500);
    expect(fired).toEqual(['a', 'again']);
  });

  it('stop clears the timer and every key', () => {
    const { clock, scheduler, keys } = setup();
    scheduler.schedule('a', 1000);
    scheduler.schedule('b', 2000);
    scheduler.stop();
    expect(clock.armed).toBe(0);
    expect(scheduler.size).toBe(0);
    clock.advance(5000);
    expect(keys()).toEqual([]);
    scheduler.schedule('c', 100);
    clock.advance(100);
    expect(keys()).toEqual(['c']);
  });
});
