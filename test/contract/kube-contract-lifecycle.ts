import { describe, expect, it, vi } from 'vitest';
import type { KubeObject, ObjectRef } from '../../src/kube/types.js';
import type { ContractContext } from './kube-contract-watch.js';
import { configMap, expectKubeError } from './kube-fixtures.js';

const WAIT = { timeout: 60_000, interval: 50 };

/** Deletion, finalizers, garbage collection and no-op writes (part of runKubeContract). */
export function runLifecycleContract(ctx: ContractContext): void {
  const cmRef = (name: string): ObjectRef => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ctx.ns, name });
  const withFinalizer = (name: string): KubeObject => ({ ...configMap(ctx.ns, name, {}), metadata: { name, namespace: ctx.ns, finalizers: ['pennant.dev/contract'] } });

  describe('lifecycle', () => {
    it('an object with a finalizer gets a deletionTimestamp and goes once the finalizer is removed', async () => {
      const name = ctx.unique('finalizer');
      await ctx.kube.create({ ...configMap(ctx.ns, name, {}), metadata: { name, namespace: ctx.ns, finalizers: ['pennant.dev/contract'] } });
      await ctx.kube.delete(cmRef(name));
      const terminating = await ctx.kube.get(cmRef(name));
      expect(terminating?.metadata.deletionTimestamp).toEqual(expect.any(String));
      expect(terminating?.metadata.finalizers).toEqual(['pennant.dev/contract']);
      await ctx.kube.patch(cmRef(name), { metadata: { finalizers: null } });
      expect(await ctx.kube.get(cmRef(name))).toBeNull();
    });

    it('refuses new finalizers on an object being deleted (Invalid)', async () => {
      const name = ctx.unique('late-finalizer');
      await ctx.kube.create(withFinalizer(name));
      await ctx.kube.delete(cmRef(name));
      await expectKubeError(ctx.kube.patch(cmRef(name), { metadata: { finalizers: ['pennant.dev/contract', 'pennant.dev/late'] } }), 'Invalid');
      await ctx.kube.patch(cmRef(name), { metadata: { finalizers: null } });
    });

    it('garbage-collects a dependent once its owner is deleted', async () => {
      const owner = await ctx.kube.create(configMap(ctx.ns, ctx.unique('owner'), {}));
      const child = ctx.unique('child');
      const ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: owner.metadata.name, uid: owner.metadata.uid }];
      await ctx.kube.create({ ...configMap(ctx.ns, child, {}), metadata: { name: child, namespace: ctx.ns, ownerReferences } });
      await ctx.kube.delete(cmRef(owner.metadata.name ?? ''));
      await vi.waitFor(async () => expect(await ctx.kube.get(cmRef(child))).toBeNull(), WAIT);
    });

    it('generateName gives a fresh name', async () => {
      const prefix = `${ctx.unique('gen')}-`;
      const created = await ctx.kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: prefix, namespace: ctx.ns } });
      expect(created.metadata.name).toMatch(new RegExp(`^${prefix}[a-z0-9]{5}$`));
    });

    it.each<[string, (name: string, current: KubeObject) => Promise<KubeObject>]>([
      ['an update with the same content', (_name, current) => ctx.kube.update(current)],
      ['a merge patch that changes nothing', (name) => ctx.kube.patch(cmRef(name), { data: { a: '1' } })],
      ['an apply of what the manager applied before', (name) => ctx.kube.apply(configMap(ctx.ns, name, { a: '1' }))],
    ])('a write that changes nothing keeps the resourceVersion: %s', async (_, write) => {
      const name = ctx.unique('noop');
      const current = await ctx.kube.apply(configMap(ctx.ns, name, { a: '1' }));
      const after = await write(name, current);
      expect(after.metadata.resourceVersion).toBe(current.metadata.resourceVersion);
    });
  });
}
