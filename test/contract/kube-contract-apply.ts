import { describe, expect, it } from 'vitest';
import type { KubeClient, KubeObject, ObjectRef } from '../../src/kube/types.js';
import { configMap, expectKubeError } from './kube-fixtures.js';
import type { ContractContext } from './kube-contract-watch.js';

/** The contract context, and a client of the same server that writes as another field manager. */
export interface ApplyContractContext extends ContractContext {
  as(fieldManager: string): KubeClient;
}

const service = (namespace: string, name: string, spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, ...metadata }, spec });
const port = (name: string, number: number) => ({ name, port: number, targetPort: number, protocol: 'TCP' });

/**
 * Field managers and conflicts of server-side apply, as kube-apiserver has them: what lets Pennant
 * take only the fields it declares (force) and leave every other manager's fields alone.
 */
export function runApplyContract(ctx: ApplyContractContext): void {
  const cmRef = (name: string): ObjectRef => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ctx.ns, name });
  const svcRef = (name: string): ObjectRef => ({ apiVersion: 'v1', kind: 'Service', namespace: ctx.ns, name });
  const ports = async (name: string) => ((await ctx.kube.get(svcRef(name)))?.spec as { ports: { name: string }[] }).ports.map((p) => p.name).sort();

  describe('server-side apply: field managers and conflicts', () => {
    it('a field another manager applied with another value is a Conflict naming the manager and the field; nothing changes', async () => {
      const name = ctx.unique('conflict');
      await ctx.kube.apply(configMap(ctx.ns, name, { a: '1' }), { fieldManager: 'team-a' });
      const err = await expectKubeError(ctx.kube.apply(configMap(ctx.ns, name, { a: '2' }), { fieldManager: 'team-b' }), 'Conflict');
      expect(err.message).toContain('conflict with "team-a"');
      expect(err.message).toContain('.data.a');
      expect((await ctx.kube.get(cmRef(name)))?.data).toEqual({ a: '1' });
    });

    it('force takes the field: the other manager no longer owns it, its other fields stay its own', async () => {
      const name = ctx.unique('force');
      await ctx.kube.apply(configMap(ctx.ns, name, { a: '1', b: '1' }), { fieldManager: 'team-a' });
      await ctx.kube.apply(configMap(ctx.ns, name, { a: '2' }), { fieldManager: 'team-b', force: true });
      // team-a stops declaring a and b: a is team-b's now and stays, b was team-a's alone and goes.
      await ctx.kube.apply(configMap(ctx.ns, name, { c: '1' }), { fieldManager: 'team-a' });
      expect((await ctx.kube.get(cmRef(name)))?.data).toEqual({ a: '2', c: '1' });
      await expectKubeError(ctx.kube.apply(configMap(ctx.ns, name, { a: '1' }), { fieldManager: 'team-a' }), 'Conflict');
    });

    it('applying the value the other manager set shares the field: it stays when either one drops it', async () => {
      const name = ctx.unique('shared');
      await ctx.kube.apply(configMap(ctx.ns, name, { a: '1' }), { fieldManager: 'team-a' });
      await ctx.kube.apply(configMap(ctx.ns, name, { a: '1', b: '2' }), { fieldManager: 'team-b' });
      await ctx.kube.apply(configMap(ctx.ns, name, { z: '0' }), { fieldManager: 'team-a' });
      expect((await ctx.kube.get(cmRef(name)))?.data).toEqual({ a: '1', b: '2', z: '0' });
    });

    it('a patch by someone else (kubectl edit) owns what it changed: a later apply conflicts unless forced', async () => {
      const name = ctx.unique('edited');
      await ctx.kube.apply(configMap(ctx.ns, name, { a: '1' }), { fieldManager: 'team-a' });
      await ctx.as('kubectl-edit').patch(cmRef(name), { data: { a: 'edited' } });
      const err = await expectKubeError(ctx.kube.apply(configMap(ctx.ns, name, { a: '1' }), { fieldManager: 'team-a' }), 'Conflict');
      expect(err.message).toContain('conflict with "kubectl-edit"');
      await ctx.kube.apply(configMap(ctx.ns, name, { a: '1' }), { fieldManager: 'team-a', force: true });
      expect((await ctx.kube.get(cmRef(name)))?.data).toEqual({ a: '1' });
    });

    it('what a create set belongs to its creator: an apply that never declared it leaves it', async () => {
      const name = ctx.unique('created');
      await ctx.as('kubectl-create').create(configMap(ctx.ns, name, { mine: 'x' }, { team: 'web' }));
      await ctx.kube.apply(configMap(ctx.ns, name, { a: '1' }, { app: 'a' }), { fieldManager: 'team-a' });
      await ctx.kube.apply(configMap(ctx.ns, name, { a: '1' }), { fieldManager: 'team-a' });
      const after = await ctx.kube.get(cmRef(name));
      expect(after?.data).toEqual({ mine: 'x', a: '1' });
      expect(after?.metadata.labels).toEqual({ team: 'web' });
    });

    it('Service ports merge by port and protocol: each manager\'s ports survive the other\'s apply', async () => {
      const name = ctx.unique('ports');
      await ctx.kube.apply(service(ctx.ns, name, { selector: { app: 'x' }, ports: [port('http', 80)] }), { fieldManager: 'team-a' });
      await ctx.kube.apply(service(ctx.ns, name, { ports: [port('metrics', 9090)] }), { fieldManager: 'team-b' });
      await ctx.kube.apply(service(ctx.ns, name, { selector: { app: 'x' }, ports: [port('http', 80)] }), { fieldManager: 'team-a' });
      expect(await ports(name)).toEqual(['http', 'metrics']);
      await ctx.kube.apply(service(ctx.ns, name, { selector: { app: 'x' }, ports: [port('web', 8080)] }), { fieldManager: 'team-a' });
      expect(await ports(name)).toEqual(['metrics', 'web']);
    });

    it('a Service selector is one field: another manager\'s selector with an extra key conflicts', async () => {
      const name = ctx.unique('selector');
      await ctx.kube.apply(service(ctx.ns, name, { selector: { app: 'x' }, ports: [port('http', 80)] }), { fieldManager: 'team-a' });
      const err = await expectKubeError(ctx.kube.apply(service(ctx.ns, name, { selector: { app: 'x', tier: 'web' } }), { fieldManager: 'team-b' }), 'Conflict');
      expect(err.message).toContain('.spec.selector');
    });

    it('owner references merge by uid: another manager\'s owner survives an apply that lists only its own', async () => {
      const owners = await Promise.all(['owner-a', 'owner-b'].map((o) => ctx.kube.create(configMap(ctx.ns, ctx.unique(o), {}))));
      const refTo = (o: KubeObject) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: o.metadata.name ?? '', uid: o.metadata.uid ?? '' });
      const [a, b] = owners.map(refTo);
      const name = ctx.unique('owned');
      // No `data: {}`: a real server stores an empty map of a built-in kind as absent, and the next apply of it would conflict.
      const owned = (owner: unknown): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ctx.ns, ownerReferences: [owner] } });
      await ctx.kube.apply(owned(a), { fieldManager: 'team-a' });
      await ctx.kube.apply(owned(b), { fieldManager: 'team-b' });
      await ctx.kube.apply(owned(a), { fieldManager: 'team-a' });
      const uids = ((await ctx.kube.get(cmRef(name)))?.metadata as { ownerReferences?: { uid: string }[] }).ownerReferences?.map((r) => r.uid);
      expect(uids?.sort()).toEqual([a?.uid, b?.uid].sort());
    });
  });
}
