import { describe, expect, it, vi } from 'vitest';
import { MemoryKube } from '../../../src/kube/memory.js';
import type { ListOptions, WatchEventType } from '../../../src/kube/types.js';
import { configMap } from '../../contract/kube-fixtures.js';
import { IO_WAIT } from '../../harness/wait.js';

const CM = { apiVersion: 'v1', kind: 'ConfigMap' };

async function watch(kube: MemoryKube, options: ListOptions) {
  const informer = kube.informer(CM, options);
  const seen: string[] = [];
  informer.onChange((type: WatchEventType, obj) => seen.push(`${type} ${obj.metadata.namespace}/${obj.metadata.name}`));
  await informer.start();
  return { informer, seen };
}

describe('MemoryInformer', () => {
  it('delivers asynchronously: nothing during the write, everything (in order) a moment later', async () => {
    const kube = new MemoryKube();
    const { seen } = await watch(kube, {});
    const created = kube.create(configMap('a', 'x', {}));
    expect(seen).toEqual([]);
    await created;
    await kube.patch({ ...CM, namespace: 'a', name: 'x' }, { data: { v: '1' } });
    await vi.waitFor(() => expect(seen).toEqual(['ADDED a/x', 'MODIFIED a/x']), IO_WAIT);
  });

  it.each<[string, ListOptions, string[]]>([
    ['all namespaces', {}, ['ADDED a/x', 'ADDED b/y', 'ADDED a/z']],
    ['one namespace', { namespace: 'a' }, ['ADDED a/x', 'ADDED a/z']],
    ['a label selector', { labelSelector: 'app=web' }, ['ADDED a/x', 'ADDED b/y']],
    ['both', { namespace: 'b', labelSelector: 'app in (web)' }, ['ADDED b/y']],
  ])('filters by %s', async (_, options, expected) => {
    const kube = new MemoryKube();
    const { seen } = await watch(kube, options);
    await kube.create(configMap('a', 'x', {}, { app: 'web' }));
    await kube.create(configMap('b', 'y', {}, { app: 'web' }));
    await kube.create(configMap('a', 'z', {}, { app: 'db' }));
    await kube.create({ apiVersion: 'v1', kind: 'Secret', metadata: { namespace: 'a', name: 'secret', labels: { app: 'web' } } });
    await vi.waitFor(() => expect(seen).toEqual(expected), IO_WAIT);
  });

  it('stops delivering after stop() and after unsubscribe', async () => {
    const kube = new MemoryKube();
    const { informer, seen } = await watch(kube, {});
    const other: string[] = [];
    const unsubscribe = informer.onChange((type) => other.push(type));
    await kube.create(configMap('a', 'x', {}));
    await vi.waitFor(() => expect(seen).toHaveLength(1), IO_WAIT);
    unsubscribe();
    await kube.create(configMap('a', 'y', {}));
    await vi.waitFor(() => expect(seen).toHaveLength(2), IO_WAIT);
    informer.stop();
    await kube.create(configMap('a', 'z', {}));
    await Promise.resolve();
    expect(seen).toHaveLength(2);
    expect(other).toEqual(['ADDED']);
  });

  it('keeps delivering when a handler throws (the error surfaces as uncaught)', async () => {
    const kube = new MemoryKube();
    const { informer, seen } = await watch(kube, {});
    const boom = new Error('handler bug');
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown): void => void uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      informer.onChange(() => {
        throw boom;
      });
      await kube.create(configMap('a', 'x', {}));
      await kube.create(configMap('a', 'y', {}));
      await vi.waitFor(() => expect(seen).toEqual(['ADDED a/x', 'ADDED a/y']), IO_WAIT);
      await vi.waitFor(() => expect(uncaught).toEqual([boom, boom]), IO_WAIT);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
