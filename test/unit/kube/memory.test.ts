import { describe, expect, it, vi } from 'vitest';
import { MemoryKube } from '../../../src/kube/memory.js';
import type { KubeObject, ObjectRef, WatchEventType } from '../../../src/kube/types.js';
import { configMap, deployment, expectKubeError } from '../../contract/kube-fixtures.js';
import { IO_WAIT } from '../../harness/wait.js';

const NS = 'test';
const cmRef = (name: string): ObjectRef => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NS, name });
const deployRef = (name: string): ObjectRef => ({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name });
const rv = (obj: KubeObject | null | undefined): number => Number(obj?.metadata.resourceVersion);

describe('MemoryKube: deep-copy isolation', () => {
  it.each<[string, (kube: MemoryKube) => Promise<KubeObject>]>([
    ['the object passed to create', async (kube) => {
      const input = configMap(NS, 'x', { a: '1' });
      await kube.create(input);
      return input;
    }],
    ['the result of create', (kube) => kube.create(configMap(NS, 'x', { a: '1' }))],
    ['the result of get', async (kube) => {
      await kube.create(configMap(NS, 'x', { a: '1' }));
      return (await kube.get(cmRef('x'))) as KubeObject;
    }],
    ['an item of list', async (kube) => {
      await kube.create(configMap(NS, 'x', { a: '1' }));
      return (await kube.list({ apiVersion: 'v1', kind: 'ConfigMap' }))[0] as KubeObject;
    }],
    ['an informer cache entry', async (kube) => {
      await kube.create(configMap(NS, 'x', { a: '1' }));
      const informer = kube.informer({ apiVersion: 'v1', kind: 'ConfigMap' });
      await informer.start();
      return informer.list()[0] as KubeObject;
    }],
  ])('mutating %s does not change the store', async (_, obtain) => {
    const kube = new MemoryKube();
    const obj = await obtain(kube);
    (obj.data as Record<string, string>).a = 'mutated';
    obj.metadata.labels = { mutated: 'yes' };
    const stored = await kube.get(cmRef('x'));
    expect(stored?.data).toEqual({ a: '1' });
    expect(stored?.metadata.labels).toBeUndefined();
  });

  it('mutating an object an informer handler received does not change the cache', async () => {
    const kube = new MemoryKube();
    const informer = kube.informer({ apiVersion: 'v1', kind: 'ConfigMap' });
    await informer.start();
    informer.onChange((_t, obj) => {
      obj.data = { a: 'mutated' };
    });
    await kube.create(configMap(NS, 'x', { a: '1' }));
    await vi.waitFor(() => expect(informer.get(NS, 'x')?.data).toEqual({ a: '1' }), IO_WAIT);
  });
});

describe('MemoryKube: resourceVersion', () => {
  it('is one global, strictly increasing counter across kinds and verbs', async () => {
    const kube = new MemoryKube();
    const seen = [
      rv(await kube.create(configMap(NS, 'a', {}))),
      rv(await kube.create(deployment(NS, 'd'))),
      rv(await kube.patch(cmRef('a'), { data: { x: '1' } })),
      rv(await kube.patchStatus(deployRef('d'), { replicas: 1 }, '')),
      rv(await kube.apply(configMap(NS, 'b', { y: '1' }))),
    ];
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it.each<[string, (kube: MemoryKube, cm: KubeObject) => Promise<unknown>]>([
    ['an update with identical content', (kube, cm) => kube.update(cm)],
    ['a merge patch that changes nothing', (kube) => kube.patch(cmRef('a'), { data: { k: 'v' } })],
    ['an apply of what is stored', (kube) => kube.apply(configMap(NS, 'a', { k: 'v' }))],
  ])('does not move for a no-op write: %s', async (_, write) => {
    const kube = new MemoryKube();
    const cm = await kube.create(configMap(NS, 'a', { k: 'v' }));
    await write(kube, cm);
    expect(rv(await kube.get(cmRef('a')))).toBe(rv(cm));
  });
});

describe('MemoryKube: generation and status', () => {
  it.each<[string, number, (kube: MemoryKube) => Promise<unknown>]>([
    ['a label change', 1, (kube) => kube.patch(deployRef('d'), { metadata: { labels: { a: 'b' } } })],
    ['an annotation change by update (Deployments count those, as the server does)', 2, async (kube) => {
      const d = (await kube.get(deployRef('d'))) as KubeObject;
      return kube.update({ ...d, metadata: { ...d.metadata, annotations: { a: 'b' } } });
    }],
    ['a status change', 1, (kube) => kube.patchStatus(deployRef('d'), { readyReplicas: 1 }, '')],
    ['a spec change', 2, (kube) => kube.patch(deployRef('d'), { spec: { replicas: 4 } })],
    ['a new top-level field', 2, (kube) => kube.patch(deployRef('d'), { extra: { a: 1 } })],
    ['a json patch of the spec', 2, (kube) => kube.patch(deployRef('d'), [{ op: 'replace', path: '/spec/replicas', value: 2 }], 'json')],
  ])('after %s generation is %i', async (_, generation, write) => {
    const kube = new MemoryKube();
    await kube.create(deployment(NS, 'd'));
    await write(kube);
    expect((await kube.get(deployRef('d')))?.metadata.generation).toBe(generation);
  });

  it('does not count annotation changes of other kinds', async () => {
    const kube = new MemoryKube();
    const canary = { apiVersion: 'pennant.dev/v1beta1', kind: 'Canary', metadata: { name: 'c', namespace: NS }, spec: { a: 1 } };
    await kube.create(canary);
    const ref = { apiVersion: canary.apiVersion, kind: canary.kind, namespace: NS, name: 'c' };
    expect((await kube.patch(ref, { metadata: { annotations: { a: 'b' } } })).metadata.generation).toBe(1);
  });

  it('has no generation for ConfigMaps, as a real server', async () => {
    expect((await new MemoryKube().create(configMap(NS, 'a', {}))).metadata.generation).toBeUndefined();
  });

  it.each<[string, (kube: MemoryKube) => Promise<unknown>]>([
    ['create', (kube) => kube.get(deployRef('d'))],
    ['update', async (kube) => kube.update({ ...((await kube.get(deployRef('d'))) as KubeObject), status: { replicas: 9 } })],
    ['merge patch', (kube) => kube.patch(deployRef('d'), { status: { replicas: 9 } })],
    ['apply', (kube) => kube.apply({ ...deployment(NS, 'd'), status: { replicas: 9 } })],
  ])('%s never writes the status of a kind with a status subresource', async (_, write) => {
    const kube = new MemoryKube();
    await kube.create({ ...deployment(NS, 'd'), status: { replicas: 7 } });
    await write(kube);
    expect((await kube.get(deployRef('d')))?.status).toBeUndefined();
  });

  it('lets update change status of a kind configured without the subresource', async () => {
    const kube = new MemoryKube({ statusSubresourceKinds: [] });
    const d = await kube.create(deployment(NS, 'd'));
    expect((await kube.update({ ...d, status: { replicas: 2 } })).status).toEqual({ replicas: 2 });
  });

  it('patchStatus merges into status and only status', async () => {
    const kube = new MemoryKube();
    const d = await kube.create(deployment(NS, 'd'));
    await kube.patchStatus(deployRef('d'), { replicas: 1, phase: 'Progressing' }, d.metadata.resourceVersion ?? '');
    const after = await kube.patchStatus(deployRef('d'), { phase: null, ready: true }, '');
    expect(after.status).toEqual({ replicas: 1, ready: true });
    expect(after.spec).toEqual(d.spec);
    await expectKubeError(kube.patchStatus(deployRef('missing'), {}, ''), 'NotFound');
  });
});

describe('MemoryKube: finalizers and garbage collection', () => {
  const withFinalizer = (name: string): KubeObject => ({ ...configMap(NS, name, {}), metadata: { name, namespace: NS, finalizers: ['a/b', 'c/d'] } });

  it('keeps a finalized object until its last finalizer is removed, then emits DELETED', async () => {
    const kube = new MemoryKube({ now: () => new Date('2024-05-01T12:00:00.123Z') });
    const events: Array<[WatchEventType, string | undefined]> = [];
    const informer = kube.informer({ apiVersion: 'v1', kind: 'ConfigMap' });
    await informer.start();
    informer.onChange((type, obj) => events.push([type, obj.metadata.deletionTimestamp]));
    await kube.create(withFinalizer('f'));
    await kube.delete(cmRef('f'));
    await kube.delete(cmRef('f')); // a second delete changes nothing
    expect((await kube.get(cmRef('f')))?.metadata.deletionTimestamp).toBe('2024-05-01T12:00:00Z');
    await kube.patch(cmRef('f'), { metadata: { finalizers: ['c/d'] } });
    expect(await kube.get(cmRef('f'))).not.toBeNull();
    await kube.patch(cmRef('f'), [{ op: 'remove', path: '/metadata/finalizers/0' }], 'json');
    expect(await kube.get(cmRef('f'))).toBeNull();
    await vi.waitFor(() => expect(events.map(([t]) => t)).toEqual(['ADDED', 'MODIFIED', 'MODIFIED', 'DELETED']), IO_WAIT);
  });

  it('refuses new finalizers on an object being deleted', async () => {
    const kube = new MemoryKube();
    await kube.create(withFinalizer('f'));
    await kube.delete(cmRef('f'));
    await expectKubeError(kube.patch(cmRef('f'), { metadata: { finalizers: ['a/b', 'c/d', 'e/f'] } }), 'Invalid');
  });

  it('deletes dependents whose owners are all gone', async () => {
    const kube = new MemoryKube();
    const owner = await kube.create(deployment(NS, 'owner'));
    const other = await kube.create(configMap(NS, 'other-owner', {}));
    const ownedBy = (...owners: KubeObject[]) => owners.map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, uid: o.metadata.uid }));
    await kube.create({ ...configMap(NS, 'only-child', {}), metadata: { name: 'only-child', namespace: NS, ownerReferences: ownedBy(owner) } });
    await kube.create({ ...configMap(NS, 'shared-child', {}), metadata: { name: 'shared-child', namespace: NS, ownerReferences: ownedBy(owner, other) } });
    await kube.delete(deployRef('owner'));
    expect(await kube.get(cmRef('only-child'))).toBeNull();
    expect(await kube.get(cmRef('shared-child'))).not.toBeNull();
  });
});
