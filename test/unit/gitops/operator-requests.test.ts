import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { type Canary, canary as canarySchema, REQUEST_ANNOTATION } from '../../../src/api/index.js';
import { applyAll } from '../../../src/gitops/apply.js';
import type { Manifest } from '../../../src/gitops/manifests.js';
import { planApply } from '../../../src/gitops/plan.js';
import { planChange } from '../../../src/gitops/write-back-change.js';
import { MemoryKube } from '../../../src/kube/memory.js';
import type { KubeObject } from '../../../src/kube/types.js';
import { readRequest, requestPatch } from '../../../src/operate/requests.js';

const ref = { apiVersion: 'pennant.dev/v1beta1', kind: 'Canary', namespace: 'apps', name: 'podinfo' };

/** The Canary as Git declares it: its own annotation, no request. */
const fromGit = (threshold: number): Manifest => ({
  file: 'apps/podinfo.yaml',
  index: 0,
  line: 1,
  object: {
    ...ref,
    metadata: { name: 'podinfo', namespace: 'apps', annotations: { 'team.example.com/owner': 'payments' } },
    spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' }, service: { port: 9898 }, analysis: { interval: '1m', threshold, stepWeight: 10, maxWeight: 50 } },
  } as KubeObject,
});

const noCluster = { canaries: () => [], exists: () => false };

async function sync(kube: MemoryKube, manifest: Manifest): Promise<void> {
  const outcome = await applyAll(kube, planApply([manifest], noCluster).objects, new AbortController().signal);
  expect(outcome.failure).toBeUndefined();
}

describe('a request (pennant pause, promote…) and a GitOps sync', () => {
  it('a sync of the same or a changed manifest keeps the request and its answer: Git does not declare them', async () => {
    const kube = new MemoryKube();
    await sync(kube, fromGit(5));
    // what `pennant pause` writes, then the controller's answer
    await kube.patch(ref, requestPatch({ verb: 'pause', id: 'r1', at: '2026-12-02T10:00:00Z', by: 'alice' }), 'merge');
    const asked = await kube.get(ref);
    await kube.patchStatus(ref, { lastRequest: { id: 'r1', verb: 'pause', outcome: 'done', message: 'held at weight 20', time: '2026-12-02T10:00:01Z' } }, asked?.metadata.resourceVersion ?? '');

    await sync(kube, fromGit(5));
    await sync(kube, fromGit(7));

    const after = await kube.get(ref);
    expect(readRequest(after?.metadata.annotations)).toMatchObject({ kind: 'request', request: { verb: 'pause', id: 'r1' } });
    expect(after?.metadata.annotations?.['team.example.com/owner']).toBe('payments');
    expect((after?.spec as { analysis: { threshold: number } }).analysis.threshold).toBe(7);
    expect(after?.status).toMatchObject({ lastRequest: { id: 'r1', outcome: 'done' } });
  });

  it('Git is not changed by a request: a promotion recorded in Git writes its own annotation, never the request', async () => {
    const gitText = '# podinfo\napiVersion: pennant.dev/v1beta1\nkind: Canary\nmetadata:\n  name: podinfo\n  namespace: apps\nspec:\n  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}\n  service: {port: 9898}\n  analysis: {interval: 1m, threshold: 5, stepWeight: 10}\n';
    const live = parseCanary(gitText);
    live.metadata.annotations = { ...requestPatch({ verb: 'promote', id: 'r3', at: '2026-12-02T10:00:00Z', by: 'alice' }).metadata.annotations };
    const primary = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'podinfo-primary', namespace: 'apps' }, spec: { template: { spec: { containers: [{ name: 'app', image: 'podinfo:6.0.1' }] } } } };
    const change = await planChange({
      canary: live,
      pending: { outcome: 'promoted', reason: 'analysis skipped by a promote', revision: 'abc', since: '2026-12-02T10:01:00Z', attempts: 0 },
      manifests: [{ file: 'apps/podinfo.yaml', index: 0, line: 2, object: parseDocument(gitText).toJS() as KubeObject }],
      facts: { primary, target: { ...primary, metadata: { name: 'podinfo', namespace: 'apps' } }, isPrimaryCopy: () => false },
      readText: async () => gitText,
    });
    expect(change.kind).toBe('edit');
    const text = change.kind === 'edit' ? change.text : '';
    expect(text).toContain('pennant.dev/promoted: podinfo:6.0.1 at 2026-12-02T10:01:00Z');
    expect(text).not.toContain(REQUEST_ANNOTATION);
  });
});

function parseCanary(text: string): Canary {
  return canarySchema.parse(parseDocument(text).toJS());
}
