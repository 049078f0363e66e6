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

  it('names a conflict in a keyed list as the API server does', async () => {
    const kube = new MemoryKube();
    const svc = (targetPort: number): KubeObject => ({
      apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: NS }, spec: { ports: [{ name: 'http', port: 80, targetPort, protocol: 'TCP' }] },
    });
    await kube.apply(svc(8080), { fieldManager: 'team-a' });
    const err = await expectKubeError(kube.apply(svc(8081), { fieldManager: 'team-b' }), 'Conflict');
    expect(err.message).toContain('conflict with "team-a": .spec.ports[port=80,protocol="TCP"].targetPort');
  });

  it('an element another manager owns a field of stays when its applier drops it; its key fields stay with it', async () => {
    const kube = new MemoryKube();
    const svc = (ports: Record<string, unknown>[]): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: NS }, spec: { ports } });
    const svcRef: ObjectRef = { apiVersion: 'v1', kind: 'Service', namespace: NS, name: 's' };
    await kube.apply(svc([{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'grpc', port: 9090, protocol: 'TCP' }]));
    await kube.withFieldManager('kubectl-edit').patch(svcRef, [{ op: 'add', path: '/spec/ports/0/targetPort', value: 8080 }], 'json');
    await kube.apply(svc([]));
    expect(((await kube.get(svcRef))?.spec as { ports?: unknown[] }).ports).toEqual([{ port: 80, protocol: 'TCP', targetPort: 8080 }]);
  });
});
