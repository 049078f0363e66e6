import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClient, ObjectRef } from '../../src/kube/types.js';
import { configMap, expectKubeError } from './kube-fixtures.js';
import { type ApplyContractContext, runApplyContract } from './kube-contract-apply.js';
import { runLifecycleContract } from './kube-contract-lifecycle.js';
import { runStatusContract } from './kube-contract-status.js';
import { runInformerContract } from './kube-contract-watch.js';

export interface KubeContractTarget {
  client: KubeClient;
  /** A client of the same server whose writes (create, update, patch) are `fieldManager`'s. */
  as(fieldManager: string): KubeClient;
  /** A namespace the suite may create objects in. */
  namespace: string;
  cleanup(): Promise<void>;
}

/**
 * The behaviour both KubeClient implementations must share. Each test uses its own object names
 * (and a per-run label for lists), so the suite also runs in a shared namespace of a real cluster
 * where controllers and other objects are around.
 */
export function runKubeContract(name: string, makeClient: () => Promise<KubeContractTarget>): void {
  describe(`KubeClient contract: ${name}`, () => {
    let target: KubeContractTarget | undefined;
    const run = Math.random().toString(36).slice(2, 8);
    let seq = 0;
    const ctx: ApplyContractContext = {
      get kube() {
        if (!target) throw new Error('makeClient failed: see the beforeAll error');
        return target.client;
      },
      as(fieldManager: string) {
        if (!target) throw new Error('makeClient failed: see the beforeAll error');
        return target.as(fieldManager);
      },
      get ns() {
        return target?.namespace ?? '';
      },
      run,
      unique: (prefix) => `${prefix}-${run}-${++seq}`,
    };
    const cmRef = (name: string): ObjectRef => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ctx.ns, name });

    beforeAll(async () => {
      target = await makeClient();
    }, 120_000);
    afterAll(async () => {
      await target?.cleanup();
    }, 120_000);

    describe('reads and writes', () => {
      it('get of a missing object is null', async () => {
        expect(await ctx.kube.get(cmRef(ctx.unique('missing')))).toBeNull();
      });

      it('create then get round-trips and the server fills uid, resourceVersion, creationTimestamp', async () => {
        const name = ctx.unique('roundtrip');
        const created = await ctx.kube.create(configMap(ctx.ns, name, { a: '1' }, { app: 'x' }));
        expect(created.metadata).toMatchObject({ name, namespace: ctx.ns, labels: { app: 'x' } });
        expect(created.metadata.uid).toEqual(expect.any(String));
        expect(created.metadata.resourceVersion).toMatch(/^\d+$/);
        expect(created.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        const got = await ctx.kube.get(cmRef(name));
        expect(got).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', data: { a: '1' } });
        expect(got?.metadata.uid).toBe(created.metadata.uid);
      });

      it('create of an existing name is AlreadyExists', async () => {
        const name = ctx.unique('exists');
        await ctx.kube.create(configMap(ctx.ns, name, {}));
        await expectKubeError(ctx.kube.create(configMap(ctx.ns, name, {})), 'AlreadyExists');
      });

      it('update with a stale resourceVersion is Conflict; with the current one it succeeds', async () => {
        const name = ctx.unique('update');
        const v1 = await ctx.kube.create(configMap(ctx.ns, name, { a: '1' }));
        const v2 = await ctx.kube.update({ ...v1, data: { a: '2' } });
        expect(v2.data).toEqual({ a: '2' });
        expect(v2.metadata.resourceVersion).not.toBe(v1.metadata.resourceVersion);
        await expectKubeError(ctx.kube.update({ ...v1, data: { a: '3' } }), 'Conflict');
        expect((await ctx.kube.get(cmRef(name)))?.data).toEqual({ a: '2' });
      });

      it('update of a missing object is NotFound', async () => {
        await expectKubeError(ctx.kube.update(configMap(ctx.ns, ctx.unique('gone'), {})), 'NotFound');
      });

      it('merge patch merges maps and deletes keys set to null', async () => {
        const name = ctx.unique('merge');
        await ctx.kube.create(configMap(ctx.ns, name, { a: '1', b: '2' }));
        const patched = await ctx.kube.patch(cmRef(name), { data: { b: null, c: '3' } });
        expect(patched.data).toEqual({ a: '1', c: '3' });
      });

      it('a resourceVersion in a merge patch is a precondition', async () => {
        const name = ctx.unique('merge-rv');
        const v1 = await ctx.kube.create(configMap(ctx.ns, name, { a: '1' }));
        await ctx.kube.patch(cmRef(name), { data: { a: '2' } });
        const stale = { metadata: { resourceVersion: v1.metadata.resourceVersion }, data: { a: '3' } };
        await expectKubeError(ctx.kube.patch(cmRef(name), stale), 'Conflict');
      });

      it('json patch applies add/replace/remove/test and a failed test is Invalid', async () => {
        const name = ctx.unique('json');
        await ctx.kube.create(configMap(ctx.ns, name, { a: '1', b: '2' }));
        const ops = [
          { op: 'test', path: '/data/a', value: '1' },
          { op: 'replace', path: '/data/a', value: '10' },
          { op: 'remove', path: '/data/b' },
          { op: 'add', path: '/data/c', value: '3' },
        ];
        expect((await ctx.kube.patch(cmRef(name), ops, 'json')).data).toEqual({ a: '10', c: '3' });
        await expectKubeError(ctx.kube.patch(cmRef(name), [{ op: 'test', path: '/data/a', value: '1' }], 'json'), 'Invalid');
      });

      it('patch of a missing object is NotFound', async () => {
        await expectKubeError(ctx.kube.patch(cmRef(ctx.unique('gone')), { data: { a: '1' } }), 'NotFound');
      });

      it('delete removes the object; deleting it again is NotFound', async () => {
        const name = ctx.unique('delete');
        await ctx.kube.create(configMap(ctx.ns, name, {}));
        await ctx.kube.delete(cmRef(name));
        expect(await ctx.kube.get(cmRef(name))).toBeNull();
        await expectKubeError(ctx.kube.delete(cmRef(name)), 'NotFound');
      });
    });

    describe('server-side apply', () => {
      it('creates when missing, merges into the object, and removes fields the same manager omits', async () => {
        const name = ctx.unique('apply');
        const first = await ctx.kube.apply(configMap(ctx.ns, name, { a: '1', b: '2' }, { owner: 'pennant' }));
        expect(first.data).toEqual({ a: '1', b: '2' });
        const second = await ctx.kube.apply(configMap(ctx.ns, name, { a: '10' }));
        expect(second.data).toEqual({ a: '10' });
        expect(second.metadata.labels?.owner).toBeUndefined();
      });

      it('keeps fields another writer set', async () => {
        const name = ctx.unique('apply-shared');
        await ctx.kube.create(configMap(ctx.ns, name, { theirs: 'x' }));
        await ctx.kube.apply(configMap(ctx.ns, name, { mine: '1' }));
        const after = await ctx.kube.apply(configMap(ctx.ns, name, { other: '2' }));
        expect(after.data).toEqual({ theirs: 'x', other: '2' });
      });

      it('leaves a field alone once a patch has changed it, even when the manager omits it later', async () => {
        const name = ctx.unique('apply-taken');
        await ctx.kube.apply(configMap(ctx.ns, name, { a: '1', b: '2' }));
        await ctx.kube.patch(cmRef(name), { data: { b: 'patched' } });
        const after = await ctx.kube.apply(configMap(ctx.ns, name, { a: '1' }));
        expect(after.data).toEqual({ a: '1', b: 'patched' });
      });
    });

    runApplyContract(ctx);
    runStatusContract(ctx);

    describe('list', () => {
      it.each([
        ['tier=web', ['a', 'b']],
        ['tier==web', ['a', 'b']],
        ['tier!=web', ['c', 'd']],
        ['tier in (web,db)', ['a', 'b', 'c']],
        ['tier notin (web)', ['c', 'd']],
        ['tier', ['a', 'b', 'c']],
        ['!tier', ['d']],
        ['tier=web,zone=1', ['a']],
      ])('filters by label selector %s', async (selector, expected) => {
        const suite = ctx.unique('list');
        const labels: Record<string, Record<string, string>> = {
          a: { tier: 'web', zone: '1' },
          b: { tier: 'web', zone: '2' },
          c: { tier: 'db' },
          d: {},
        };
        for (const [short, l] of Object.entries(labels)) {
          await ctx.kube.create(configMap(ctx.ns, `${suite}-${short}`, {}, { ...l, suite }));
        }
        const found = await ctx.kube.list({ apiVersion: 'v1', kind: 'ConfigMap' }, { namespace: ctx.ns, labelSelector: `suite=${suite},${selector}` });
        expect(found.map((o) => o.metadata.name).sort()).toEqual(expected.map((s) => `${suite}-${s}`));
        expect(found.every((o) => o.kind === 'ConfigMap' && o.apiVersion === 'v1')).toBe(true);
      });
    });

    runLifecycleContract(ctx);
    runInformerContract(ctx);
  });
}
