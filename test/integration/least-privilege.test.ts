import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { podinfoCanary, podinfoDeployment } from '../../src/demo/manifests.js';
import { deploymentOf, setImage, waitForPhase } from '../scenarios/helpers.js';
import { realKube, REPO, yamlObjects } from './cluster.js';
import { RealStack } from './real-stack.js';

const SERVICE_ACCOUNT = 'system:serviceaccount:pennant-system:pennant';

/** The controller as deploy/ installs it: its ServiceAccount and ClusterRole, nothing more. */
describe('the controller with the RBAC of deploy/', () => {
  const kubeconfig = inject('kubeconfig');
  const admin = realKube(kubeconfig);
  const stack = new RealStack(kubeconfig, { user: SERVICE_ACCOUNT, groups: ['system:serviceaccounts', 'system:serviceaccounts:pennant-system', 'system:authenticated'] });

  beforeAll(async () => {
    for (const file of ['namespace.yaml', 'serviceaccount.yaml', 'clusterrole.yaml', 'clusterrolebinding.yaml']) {
      for (const obj of yamlObjects(readFileSync(join(REPO, 'deploy', file), 'utf8'))) {
        await admin.apply({ ...obj, metadata: { ...obj.metadata, ...(obj.kind === 'ServiceAccount' ? { namespace: 'pennant-system' } : {}) } }, { force: true });
      }
    }
    await stack.start();
  }, 120_000);
  afterAll(async () => {
    await stack.stop();
  });

  it('can list Secrets but not delete anything', async () => {
    const asController = realKube(kubeconfig, { user: SERVICE_ACCOUNT });
    await expect(asController.list({ apiVersion: 'v1', kind: 'Secret' })).resolves.toBeInstanceOf(Array);
    const denied = await asController.delete({ apiVersion: 'v1', kind: 'Namespace', name: 'default' }).then(() => 'allowed', (err: { code?: string }) => err.code);
    expect(denied).toBe('Forbidden');
  });

  it('initialises, analyses and promotes a Canary', async () => {
    const ns = `it-rbac-${process.pid}`;
    await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await admin.create(podinfoDeployment(ns, { image: 'podinfo:6.0.0' }));
    await stack.simulator.addApps([{ namespace: ns, service: 'podinfo', target: 'podinfo', provider: 'gatewayapi:v1' }]);
    await admin.create(podinfoCanary({ namespace: ns, interval: '5s', provider: 'gatewayapi:v1', gatewayRefs: [{ name: 'public' }], threshold: 3 }));
    await waitForPhase(admin, ns, 'Initialized', 120_000);
    await setImage(admin, ns, 'podinfo:6.0.1');
    await waitForPhase(admin, ns, 'Succeeded', 150_000);
    expect(await deploymentOf(admin, ns, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.1' });
    const errors = readFileSync(stack.logFile, 'utf8').split('\n').filter((l) => /Forbidden/.test(l));
    expect(errors).toEqual([]);
  }, 240_000);
});
