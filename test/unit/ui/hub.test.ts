import { describe, expect, it } from 'vitest';
import { MemoryKube } from '../../../src/kube/memory.js';
import type { Informer, InformerHandler, KubeObject } from '../../../src/kube/types.js';
import { UiHub } from '../../../src/ui/hub.js';
import { canaryEventsInformer } from '../../../src/ui/source.js';
import { canaryObject, midAnalysis } from '../cli/operate-fixtures.js';

/** A feed the test drives by hand, as the informer would. */
function feed(objects: KubeObject[]): { list: () => KubeObject[]; onChange: (h: InformerHandler) => () => void; emit: InformerHandler; subscribers: () => number } {
  const handlers = new Set<InformerHandler>();
  return {
    list: () => objects,
    onChange: (handler) => (handlers.add(handler), () => handlers.delete(handler)),
    emit: (...event) => handlers.forEach((h) => h(...event)),
    subscribers: () => handlers.size,
  };
}

const withWeight = (name: string, weight: number) => canaryObject('test', name, { ...midAnalysis, canaryWeight: weight });

function hubOver(canaries: ReturnType<typeof feed>, events: Informer = canaryEventsInformer(new MemoryKube())): UiHub {
  return new UiHub({ canaries, events, flushMs: 60_000 });
}

describe('UiHub', () => {
  it('subscribes once however many viewers; changes within a flush go out as one rows frame, the same text to every table', () => {
    const canaries = feed([withWeight('a', 10), withWeight('b', 10)]);
    const events = canaryEventsInformer(new MemoryKube());
    let eventReads = 0;
    const counted: Informer = { ...events, start: () => events.start(), stop: () => events.stop(), onChange: (h) => events.onChange(h), get: (ns, n) => events.get(ns, n), list: (ns) => (eventReads++, events.list(ns)) };
    const hub = hubOver(canaries, counted);
    hub.start();
    const frames: string[][] = [[], [], []];
    frames.forEach((list) => hub.subscribe({ send: (f) => list.push(f) }));
    expect(canaries.subscribers()).toBe(1);
    for (let w = 20; w <= 50; w += 10) canaries.emit('MODIFIED', withWeight('a', w));
    canaries.emit('DELETED', withWeight('b', 10));
    hub.flush();
    expect(frames.map((list) => list.length)).toEqual([1, 1, 1]);
    expect(new Set(frames.map((list) => list[0])).size).toBe(1);
    const data = JSON.parse(frames[0]?.[0]?.split('data: ')[1] ?? '') as { upsert: { key: string; weight: number }[]; remove: string[] };
    expect(data).toMatchObject({ upsert: [{ key: 'test/a', weight: 50 }], remove: ['test/b'] });
    hub.flush();
    expect(frames[0]).toHaveLength(1);
    expect(eventReads).toBe(0); // no page is open: no page is built
    hub.stop();
    expect(canaries.subscribers()).toBe(0);
  });

  it('a table opened before the cache synced gets the whole list when the hub starts', () => {
    const hub = hubOver(feed([withWeight('a', 10)]));
    const frames: string[] = [];
    hub.subscribe({ send: (f) => frames.push(f) });
    hub.start();
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatch(/^event: list\ndata: \{"rows":\[\{"key":"test\/a"/);
    hub.stop();
  });

  it('a Canary\'s page hears only its own Canary, with the weight history since the hub started', () => {
    const canaries = feed([withWeight('a', 10), withWeight('b', 10)]);
    const hub = hubOver(canaries);
    hub.start();
    const page: string[] = [];
    const other: string[] = [];
    hub.subscribe({ canary: 'test/a', send: (f) => page.push(f) });
    hub.subscribe({ canary: 'test/b', send: (f) => other.push(f) });
    canaries.emit('MODIFIED', withWeight('a', 20));
    hub.flush();
    expect(other).toEqual([]);
    expect(page).toHaveLength(1);
    expect(page[0]).toMatch(/^event: canary\n/);
    expect((JSON.parse(page[0]?.split('data: ')[1] ?? '') as { history: { weight: number }[] }).history.map((p) => p.weight)).toEqual([10, 20]);
    hub.stop();
  });

  it('when Events cannot be watched (no RBAC), the page says why, and the next page tries again', async () => {
    let starts = 0;
    const failing: Informer = {
      start: () => (starts++, Promise.reject(new Error('events is forbidden'))),
      stop: () => undefined,
      list: () => [],
      get: () => undefined,
      onChange: () => () => undefined,
    };
    const hub = hubOver(feed([withWeight('a', 10)]), failing);
    hub.start();
    await hub.ensureEvents();
    expect(hub.detail('test', 'a')?.eventsProblem).toBe('Events cannot be read: events is forbidden');
    await hub.ensureEvents();
    expect(starts).toBe(2);
    hub.stop();
  });
});
