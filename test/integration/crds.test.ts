import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KubeError } from '../../src/kube/errors.js';
import type { KubeObject } from '../../src/kube/types.js';
import { crdObjects, realKube, yamlObjects } from './cluster.js';

const EXAMPLES = resolve(import.meta.dirname, '../fixtures/flagger/docs');
const NS = 'pennant-crd-examples';

/** Flagger's examples with apiVersion swapped, placed in one namespace of ours. */
function examples(folder: 'complete' | 'fragments'): { file: string; obj: KubeObject }[] {
  const dir = join(EXAMPLES, folder);
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).flatMap((file) =>
    yamlObjects(readFileSync(join(dir, file), 'utf8').replace(/flagger\.app\/v1\w+/g, 'pennant.dev/v1beta1')).map((obj) => ({
      file,
      obj: { ...obj, metadata: { ...(obj.metadata ?? {}), namespace: NS } },
    })),
  );
}

describe('CRDs on a real API server', () => {
  const kube = realKube(inject('kubeconfig'));

  beforeAll(async () => {
    await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  });
  afterAll(async () => {
    await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: NS }).catch(() => undefined);
  });

  it.each(crdObjects().map((crd) => [crd.metadata.name ?? '']))('%s is established', async (name) => {
    const crd = await kube.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name });
    const conditions = (crd?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
    expect(conditions.find((c) => c.type === 'Established')?.status).toBe('True');
  });

  it.each(examples('complete').map((e) => [e.file, e.obj] as const))('accepts %s', async (_file, obj) => {
    const created = await kube.create(obj);
    expect(created.metadata.uid).toBeTruthy();
    // Nothing the user wrote was pruned: every spec field came back.
    expect(created.spec).toEqual(obj.spec);
    await kube.delete({ apiVersion: obj.apiVersion, kind: obj.kind, namespace: NS, name: obj.metadata.name ?? '' });
  });

  it.each(examples('fragments').map((e) => [e.file, e.obj] as const))('rejects %s, naming the field', async (_file, obj) => {
    const error = await kube.create(obj).then(() => undefined, (err: unknown) => err);
    expect(error).toBeInstanceOf(KubeError);
    expect((error as KubeError).code).toBe('Invalid');
    expect((error as KubeError).message).toMatch(/spec\.(targetRef|analysis|query|provider\.type)|metadata\.name|name or generateName/);
  });
});
