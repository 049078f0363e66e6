import { describe, expect, it } from 'vitest';
import { MemoryKube } from '../../../src/kube/memory.js';
import type { KubeObject, ObjectRef } from '../../../src/kube/types.js';
import { configMap, deployment, expectKubeError } from '../../contract/kube-fixtures.js';

const NS = 'test';
const ref: ObjectRef = { apiVersion: 'v1', kind: 'ConfigMap', namespace: NS, name: 'cm' };
const cm = (data: Record<string, string>, labels?: Record<string, string>): KubeObject => configMap(NS, 'cm', data, labels);

describe('MemoryKube.apply (server-side apply approximation)', () => {
  it.each<[string, (kube: MemoryKube) => Promise<unknown>, Record<string, string> | undefined]>([
    ['creates a missing object', async () => {}, { a: '1', b: '2' }],
    ['merges maps from the same manager', (kube) => kube.apply(cm({ a: '1', b: '2', c: '3' })), { a: '1', b: '2', c: '3' }],
    ['removes what the same manager omits', (kube) => kube.apply(cm({ a: '1' })), { a: '1' }],
    ['keeps what another manager applied', async (kube) => {
      await kube.apply(cm({ b: '2', z: '26' }), { fieldManager: 'other' });
      await kube.apply(cm({ a: '1' }));
    }, { a: '1', b: '2', z: '26' }],
    ['keeps a field someone else updated after it was applied', async (kube) => {
      await kube.patch(ref, { data: { b: 'patched' } });
      await kube.apply(cm({ a: '1' }));
    }, { a: '1', b: 'patched' }],
    ['drops an emptied map', (kube) => kube.apply({ ...cm({}), data: undefined }), undefined],
  ])('%s', async (_, then, data) => {
    const kube = new MemoryKube();
    await kube.apply(cm({ a: '1', b: '2' }));
    await then(kube);
    expect((await kube.get(ref))?.data).toEqual(data);
  });

  it('removes labels the manager stopped applying but keeps labels others set', async () => {
    const kube = new MemoryKube();
    await kube.apply(cm({}, { mine: '1', also: '2' }));
    await kube.patch(ref, { metadata: { labels: { theirs: '3' } } });
    const after = await kube.apply(cm({}, { mine: '1' }));
    expect(after.metadata.labels).toEqual({ mine: '1', theirs: '3' });
  });

  it('replaces lists as a whole (no merge by key)', async () => {
    const kube = new MemoryKube();
    const d = deployment(NS, 'd');
    await kube.apply(d);
    const spec = d.spec as { template: { spec: { containers: unknown[] } } };
    const changed = { ...d, spec: { ...spec, template: { ...spec.template, spec: { containers: [{ name: 'b', image: 'b:1' }] } } } };
    const after = await kube.apply(changed);
    expect((after.spec as typeof spec).template.spec.containers).toEqual([{ name: 'b', image: 'b:1' }]);
  });

  it('treats an applied resourceVersion as a precondition', async () => {
    const kube = new MemoryKube();
    const first = await kube.apply(cm({ a: '1' }));
    await kube.apply(cm({ a: '2' }));
    const stale = { ...cm({ a: '3' }), metadata: { name: 'cm', namespace: NS, resourceVersion: first.metadata.resourceVersion } };
    await expectKubeError(kube.apply(stale), 'Conflict');
  });

  it('ignores status for kinds with a status subresource and counts generation', async () => {
    const kube = new MemoryKube();
    const created = await kube.apply({ ...deployment(NS, 'd'), status: { replicas: 3 } });
    expect(created.status).toBeUndefined();
    expect(created.metadata.generation).toBe(1);
    expect((await kube.apply(deployment(NS, 'd', 5))).metadata.generation).toBe(2);
  });
});
