import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Informer, KubeClient, KubeObject, ObjectRef, WatchEventType } from '../../src/kube/types.js';
import { configMap } from './kube-fixtures.js';

export interface ContractContext {
  readonly kube: KubeClient;
  readonly ns: string;
  readonly run: string;
  unique(prefix: string): string;
}

interface Seen {
  type: WatchEventType;
  name: string | undefined;
  data: unknown;
  oldData: unknown;
}

const WAIT = { timeout: 60_000, interval: 20 };

/** Informer and Event behaviour of the contract (part of runKubeContract). */
export function runInformerContract(ctx: ContractContext): void {
  describe('informer', () => {
    const started: Informer[] = [];
    afterEach(() => {
      for (const informer of started.splice(0)) informer.stop();
    });

    async function watchSuite(suite: string): Promise<{ informer: Informer; seen: Seen[] }> {
      const informer = ctx.kube.informer({ apiVersion: 'v1', kind: 'ConfigMap' }, { namespace: ctx.ns, labelSelector: `suite=${suite}` });
      started.push(informer);
      const seen: Seen[] = [];
      informer.onChange((type, obj, old) => seen.push({ type, name: obj.metadata.name, data: obj.data, oldData: old?.data }));
      await informer.start();
      return { informer, seen };
    }
    const ref = (name: string): ObjectRef => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ctx.ns, name });

    it('start caches existing objects, then ADDED, MODIFIED and DELETED arrive in order', async () => {
      const suite = ctx.unique('informer');
      await ctx.kube.create(configMap(ctx.ns, `${suite}-old`, { v: '0' }, { suite }));
      const { informer, seen } = await watchSuite(suite);
      expect(informer.list().map((o) => o.metadata.name)).toEqual([`${suite}-old`]);
      expect(informer.get(ctx.ns, `${suite}-old`)?.data).toEqual({ v: '0' });

      const name = `${suite}-new`;
      const created = await ctx.kube.create(configMap(ctx.ns, name, { v: '1' }, { suite }));
      await ctx.kube.update({ ...created, data: { v: '2' } });
      await ctx.kube.delete(ref(name));
      await vi.waitFor(() => expect(seen.map((s) => s.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']), WAIT);
      expect(seen).toEqual([
        { type: 'ADDED', name, data: { v: '1' }, oldData: undefined },
        { type: 'MODIFIED', name, data: { v: '2' }, oldData: { v: '1' } },
        { type: 'DELETED', name, data: { v: '2' }, oldData: { v: '2' } },
      ]);
      expect(informer.get(ctx.ns, name)).toBeUndefined();
    });

    it('metadataOnly: only metadata is listed and watched (resourceVersion moves with each change); dropManagedFields keeps no owners', async () => {
      const suite = ctx.unique('meta');
      await ctx.kube.create(configMap(ctx.ns, `${suite}-a`, { v: '0' }, { suite }));
      const informer = ctx.kube.informer({ apiVersion: 'v1', kind: 'ConfigMap' }, { namespace: ctx.ns, labelSelector: `suite=${suite}`, metadataOnly: true, dropManagedFields: true });
      started.push(informer);
      const versions: string[] = [];
      informer.onChange((_type, obj) => versions.push(obj.metadata.resourceVersion ?? ''));
      await informer.start();
      const listed = informer.get(ctx.ns, `${suite}-a`);
      expect(listed?.data).toBeUndefined();
      expect(listed?.metadata.labels).toEqual({ suite });
      expect((listed?.metadata as { managedFields?: unknown }).managedFields).toBeUndefined();
      expect(listed?.kind).toBe('ConfigMap');
      const stored = await ctx.kube.get(ref(`${suite}-a`));
      const updated = await ctx.kube.update({ ...(stored as KubeObject), data: { v: '1' } });
      await vi.waitFor(() => expect(informer.get(ctx.ns, `${suite}-a`)?.metadata.resourceVersion).toBe(updated.metadata.resourceVersion), WAIT);
      expect(informer.get(ctx.ns, `${suite}-a`)?.data).toBeUndefined();
      expect(versions).toContain(updated.metadata.resourceVersion);
    });

    it('an object that stops matching the selector is DELETED, one that starts matching is ADDED', async () => {
      const suite = ctx.unique('relabel');
      const name = `${suite}-x`;
      const { informer, seen } = await watchSuite(suite);
      await ctx.kube.create(configMap(ctx.ns, name, {}, { suite }));
      await vi.waitFor(() => expect(informer.get(ctx.ns, name)).toBeDefined(), WAIT);
      await ctx.kube.patch(ref(name), { metadata: { labels: { suite: 'elsewhere' } } });
      await vi.waitFor(() => expect(informer.get(ctx.ns, name)).toBeUndefined(), WAIT);
      await ctx.kube.patch(ref(name), { metadata: { labels: { suite } } });
      await vi.waitFor(() => expect(seen.map((s) => s.type)).toEqual(['ADDED', 'DELETED', 'ADDED']), WAIT);
    });

    it('sees a finalized deletion as MODIFIED (deletionTimestamp) then DELETED', async () => {
      const suite = ctx.unique('finalize');
      const name = `${suite}-f`;
      const stamps: Array<[WatchEventType, string | undefined]> = [];
      const { informer } = await watchSuite(suite);
      informer.onChange((type, obj: KubeObject) => stamps.push([type, obj.metadata.deletionTimestamp]));
      await ctx.kube.create({ ...configMap(ctx.ns, name, {}, { suite }), metadata: { name, namespace: ctx.ns, labels: { suite }, finalizers: ['pennant.dev/contract'] } });
      await ctx.kube.delete(ref(name));
      await ctx.kube.patch(ref(name), { metadata: { finalizers: null } });
      await vi.waitFor(() => expect(stamps.map(([t]) => t)).toEqual(['ADDED', 'MODIFIED', 'DELETED']), WAIT);
      expect(stamps[1]?.[1]).toEqual(expect.any(String));
    });
  });

  describe('events', () => {
    it('records core/v1 Events and counts an identical repeat instead of creating another', async () => {
      const name = ctx.unique('evented');
      const created = await ctx.kube.create(configMap(ctx.ns, name, {}));
      const regarding = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ctx.ns, name, uid: created.metadata.uid ?? '' };
      await ctx.kube.recordEvent({ regarding, type: 'Normal', reason: 'Synced', message: 'synced once' });
      await ctx.kube.recordEvent({ regarding, type: 'Normal', reason: 'Synced', message: 'synced once' });
      await ctx.kube.recordEvent({ regarding, type: 'Warning', reason: 'Failed', message: 'other' });
      const events = (await ctx.kube.list({ apiVersion: 'v1', kind: 'Event' }, { namespace: ctx.ns }))
        .filter((e) => (e.involvedObject as { name?: string } | undefined)?.name === name)
        .sort((a, b) => String(a.reason).localeCompare(String(b.reason)));
      expect(events).toHaveLength(2);
      expect(events[0]).toMatchObject({ reason: 'Failed', type: 'Warning', count: 1, message: 'other' });
      expect(events[1]).toMatchObject({
        reason: 'Synced',
        type: 'Normal',
        message: 'synced once',
        count: 2,
        source: { component: 'pennant' },
        involvedObject: { apiVersion: 'v1', kind: 'ConfigMap', name, namespace: ctx.ns, uid: regarding.uid },
      });
      expect(events[1]?.firstTimestamp).toEqual(expect.any(String));
      expect(events[1]?.lastTimestamp).toEqual(expect.any(String));
    });
  });
}
