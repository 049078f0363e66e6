import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { podinfoCanary, podinfoDeployment } from '../../src/demo/manifests.js';
import type { KubeObject } from '../../src/kube/types.js';
import { CANARY, setImage, waitForPhase } from '../scenarios/helpers.js';
import { installCrds, realKube, REPO, yamlObjects } from './cluster.js';
import { type ControllerProcess, startController } from './controller-process.js';

const NS = 'pennant-crd-upgrade';
const CRD = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' };

const crdsOf = (dir: string): KubeObject[] => readdirSync(dir).filter((f) => f.endsWith('.pennant.dev.yaml')).flatMap((f) => yamlObjects(readFileSync(join(dir, f), 'utf8')));

/** A rollout with no metrics (KWOK serves no traffic): it advances on the interval alone. */
function canaryInFlight(name: string): KubeObject {
  const canary = podinfoCanary({ namespace: NS, name, interval: '5s', provider: 'kubernetes', iterations: 3 });
  const spec = canary.spec as { analysis: Record<string, unknown> };
  return { ...canary, spec: { ...spec, analysis: { ...spec.analysis, metrics: [] } } };
}

/**
 * `kubectl apply` of the new CRDs over those of the previous release (test/fixtures/crds-previous)
 * while Canaries exist and one is mid-analysis: they stay readable and valid, and the rollout goes on.
 */
describe('upgrading the CRDs with Canaries in flight', () => {
  const kubeconfig = inject('kubeconfig');
  const admin = realKube(kubeconfig);
  let controller: ControllerProcess | undefined;

  beforeAll(async () => {
    for (const crd of crdsOf(join(REPO, 'test/fixtures/crds-previous'))) await admin.apply(crd, { force: true });
    await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    controller = await startController(process.execPath, [join(REPO, 'bin/pennant.js'), 'run', '--kubeconfig', kubeconfig, '--port', '0', '--workers', '2', '--namespace', NS]);
  });
  afterAll(async () => {
    await controller?.stop();
    await admin.delete({ apiVersion: 'v1', kind: 'Namespace', name: NS }).catch(() => undefined);
    // Leave the tier's CRDs as the global setup installed them.
    await installCrds(admin);
  });

  it('keeps the Canaries valid under the new CRDs, and the rollout in flight goes on to promotion', async () => {
    const created = new Map<string, unknown>();
    for (const name of ['podinfo', 'idle']) {
      await admin.create(podinfoDeployment(NS, { image: 'podinfo:6.0.0' }, name));
      created.set(name, (await admin.create(canaryInFlight(name))).spec);
    }
    await waitForPhase(admin, NS, 'Initialized', 120_000);
    await setImage(admin, NS, 'podinfo:6.0.1');
    await waitForPhase(admin, NS, 'Progressing', 120_000);

    for (const crd of crdsOf(join(REPO, 'crds'))) await admin.apply(crd, { force: true });
    const crd = await admin.get({ ...CRD, name: 'canaries.pennant.dev' });
    const storage = (crd?.spec as { versions: { name: string; storage: boolean }[] }).versions.filter((v) => v.storage).map((v) => v.name);
    expect(storage).toHaveLength(1);
    expect((crd?.status as { storedVersions?: string[] }).storedVersions).toEqual(storage);

    // Every existing Canary passes the new schema (a write revalidates the whole object), and nothing
    // it was created with is pruned (the API server prunes unknown fields when it reads from etcd).
    const canaries = await admin.list(CANARY, { namespace: NS });
    expect(canaries.map((c) => c.metadata.name).sort()).toEqual(['idle', 'podinfo']);
    for (const canary of canaries) {
      const name = canary.metadata.name ?? '';
      const patched = await admin.patch({ ...CANARY, namespace: NS, name }, { metadata: { annotations: { 'pennant.dev/upgrade-check': 'ok' } } });
      expect(patched.spec, name).toEqual(created.get(name));
    }
    await waitForPhase(admin, NS, 'Succeeded', 180_000);
    expect(controller?.output() ?? '').not.toMatch(/"level":50.*(Invalid|schema)/);
  }, 300_000);
});
