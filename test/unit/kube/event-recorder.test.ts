import { describe, expect, it } from 'vitest';
import { MemoryKube } from '../../../src/kube/memory.js';
import type { EventInput, KubeObject } from '../../../src/kube/types.js';

const regarding = { apiVersion: 'pennant.dev/v1beta1', kind: 'Canary', namespace: 'test', name: 'podinfo', uid: 'u-1' };
const synced: EventInput = { regarding, type: 'Normal', reason: 'Synced', message: 'ok' };

function setup() {
  let now = new Date('2024-05-01T12:00:00Z');
  const kube = new MemoryKube({ now: () => now });
  const advance = (minutes: number): void => {
    now = new Date(now.getTime() + minutes * 60_000);
  };
  const events = async (): Promise<KubeObject[]> => kube.list({ apiVersion: 'v1', kind: 'Event' }, { namespace: 'test' });
  return { kube, advance, events };
}

describe('recordEvent (shared correlation, seen through MemoryKube)', () => {
  it('stores a core/v1 Event about the object', async () => {
    const { kube, events } = setup();
    await kube.recordEvent(synced);
    expect(await events()).toEqual([
      expect.objectContaining({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: expect.objectContaining({ namespace: 'test', name: expect.stringMatching(/^podinfo\.[0-9a-f]+$/) }),
        involvedObject: regarding,
        type: 'Normal',
        reason: 'Synced',
        message: 'ok',
        count: 1,
        firstTimestamp: '2024-05-01T12:00:00Z',
        lastTimestamp: '2024-05-01T12:00:00Z',
        source: { component: 'pennant' },
      }),
    ]);
  });

  it.each<[string, EventInput, number, number[]]>([
    ['an identical repeat within 10 minutes bumps count', synced, 9, [2]],
    ['an identical repeat after 10 minutes is a new Event', synced, 10, [1, 1]],
    ['another message is a new Event', { ...synced, message: 'other' }, 0, [1, 1]],
    ['another type is a new Event', { ...synced, type: 'Warning' }, 0, [1, 1]],
    ['another object is a new Event', { ...synced, regarding: { ...regarding, name: 'other' } }, 0, [1, 1]],
  ])('%s', async (_, second, minutesLater, counts) => {
    const { kube, advance, events } = setup();
    await kube.recordEvent(synced);
    advance(minutesLater);
    await kube.recordEvent(second);
    expect((await events()).map((e) => e.count).sort()).toEqual(counts);
  });

  it('bumps lastTimestamp but keeps firstTimestamp; concurrent repeats all count', async () => {
    const { kube, advance, events } = setup();
    await kube.recordEvent(synced);
    advance(5);
    await Promise.all([kube.recordEvent(synced), kube.recordEvent(synced), kube.recordEvent(synced)]);
    const [event] = await events();
    expect(event).toMatchObject({ count: 4, firstTimestamp: '2024-05-01T12:00:00Z', lastTimestamp: '2024-05-01T12:05:00Z' });
  });

  it('starts a new Event when the remembered one was deleted', async () => {
    const { kube, events } = setup();
    await kube.recordEvent(synced);
    const [first] = await events();
    await kube.delete({ apiVersion: 'v1', kind: 'Event', namespace: 'test', name: first?.metadata.name ?? '' });
    await kube.recordEvent(synced);
    expect((await events()).map((e) => e.count)).toEqual([1]);
  });

  it('puts Events about cluster-scoped objects in "default"', async () => {
    const { kube } = setup();
    await kube.recordEvent({ ...synced, regarding: { apiVersion: 'v1', kind: 'Node', name: 'n1' } });
    expect(await kube.list({ apiVersion: 'v1', kind: 'Event' }, { namespace: 'default' })).toHaveLength(1);
  });
});
