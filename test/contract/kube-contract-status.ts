import { describe, expect, it } from 'vitest';
import type { KubeObject, ObjectRef } from '../../src/kube/types.js';
import type { ContractContext } from './kube-contract-watch.js';
import { configMap, deployment, expectKubeError, retryOnConflict } from './kube-fixtures.js';

/** Status subresource and generation rules of the contract (part of runKubeContract). */
export function runStatusContract(ctx: ContractContext): void {
  const deployRef = (name: string): ObjectRef => ({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ctx.ns, name });

  describe('status and generation', () => {
    const condition = { type: 'PennantContract', status: 'True', reason: 'Contract', message: 'set by the contract' };
    const spec = (obj: KubeObject | null): unknown => obj?.spec;

    it('patchStatus with a stale resourceVersion is Conflict; with the current one status changes and spec does not', async () => {
      const name = ctx.unique('status');
      const created = await ctx.kube.create(deployment(ctx.ns, name));
      await ctx.kube.patch(deployRef(name), { metadata: { labels: { touched: 'yes' } } });
      await expectKubeError(ctx.kube.patchStatus(deployRef(name), { conditions: [condition] }, created.metadata.resourceVersion ?? ''), 'Conflict');
      const before = await ctx.kube.get(deployRef(name));
      const patched = await retryOnConflict(async () => {
        const fresh = await ctx.kube.get(deployRef(name));
        return ctx.kube.patchStatus(deployRef(name), { conditions: [condition] }, fresh?.metadata.resourceVersion ?? '');
      });
      expect(patched.status).toMatchObject({ conditions: expect.arrayContaining([expect.objectContaining(condition)]) });
      expect(patched.spec).toEqual(spec(before));
      expect(spec(await ctx.kube.get(deployRef(name)))).toEqual(spec(before));
    });

    it('generation starts at 1 and counts spec changes, not status or label changes', async () => {
      const name = ctx.unique('generation');
      const created = await ctx.kube.create(deployment(ctx.ns, name));
      expect(created.metadata.generation).toBe(1);
      const labelled = await ctx.kube.patch(deployRef(name), { metadata: { labels: { extra: 'label' } } });
      expect(labelled.metadata.generation).toBe(1);
      const withStatus = await retryOnConflict(async () => {
        const fresh = await ctx.kube.get(deployRef(name));
        return ctx.kube.patchStatus(deployRef(name), { conditions: [condition] }, fresh?.metadata.resourceVersion ?? '');
      });
      expect(withStatus.metadata.generation).toBe(1);
      const scaled = await ctx.kube.patch(deployRef(name), { spec: { replicas: 3 } });
      expect(scaled.metadata.generation).toBe(2);
    });

    it('a Deployment also counts annotation changes (the server copies them to ReplicaSets); a ConfigMap has no generation', async () => {
      const name = ctx.unique('annotated');
      await ctx.kube.create(deployment(ctx.ns, name));
      const annotated = await ctx.kube.patch(deployRef(name), { metadata: { annotations: { note: 'n' } } });
      expect(annotated.metadata.generation).toBe(2);
      const cm = await ctx.kube.create(configMap(ctx.ns, name, { a: '1' }));
      expect(cm.metadata.generation).toBeUndefined();
    });

    it('update and apply do not change status', async () => {
      const name = ctx.unique('status-kept');
      await ctx.kube.create(deployment(ctx.ns, name));
      const withStatus = await retryOnConflict(async () => {
        const fresh = await ctx.kube.get(deployRef(name));
        return ctx.kube.patchStatus(deployRef(name), { conditions: [condition] }, fresh?.metadata.resourceVersion ?? '');
      });
      // force: on a real server the replicas set at create belong to another manager entry (an Update).
      const applied = await ctx.kube.apply({ ...deployment(ctx.ns, name, 2), status: { conditions: [] } }, { force: true });
      expect(applied.spec).toMatchObject({ replicas: 2 });
      expect(applied.status).toMatchObject({ conditions: expect.arrayContaining([expect.objectContaining(condition)]) });
      expect(withStatus.metadata.generation).toBe(1);
    });
  });

  it('create resets the status of a kind with a status subresource', async () => {
    const created = await ctx.kube.create({ ...deployment(ctx.ns, ctx.unique('born')), status: { replicas: 5, readyReplicas: 5 } });
    expect((created.status as { replicas?: number } | undefined)?.replicas).toBeUndefined();
  });
}
