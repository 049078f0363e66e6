import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeError } from '../../src/kube/errors.js';
import { kubeConfigFrom, type Impersonation } from '../../src/kube/kubeconfig.js';
import { RealKube } from '../../src/kube/real.js';
import type { KubeObject, ObjectRef } from '../../src/kube/types.js';
import { runKubeContract } from '../contract/kube-contract.js';
import { configMap, expectKubeError } from '../contract/kube-fixtures.js';

// Integration tier: a real API server is required. Never pass silently without one.
const kubeconfig = process.env.KUBECONFIG;
if (!kubeconfig) {
  throw new Error(
    'KUBECONFIG is not set: the kube integration contract needs a real API server. ' +
      'Start one with test/cluster/up and export the KUBECONFIG=<path> line it prints.',
  );
}

const realKube = (impersonate?: Impersonation, fieldManager?: string): RealKube =>
  new RealKube(kubeConfigFrom({ kubeconfig, ...(impersonate ? { impersonate } : {}) }), { informer: { initialBackoffMs: 100 }, ...(fieldManager ? { fieldManager } : {}) });

async function makeNamespace(kube: RealKube, prefix: string): Promise<{ namespace: string; cleanup(): Promise<void> }> {
  const namespace = `${prefix}-${randomBytes(3).toString('hex')}`;
  await kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  return { namespace, cleanup: () => kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: namespace }) };
}

runKubeContract('RealKube', async () => {
  const client = realKube();
  return { client, as: (fieldManager: string) => realKube(undefined, fieldManager), ...(await makeNamespace(client, 'pennant-contract')) };
});

describe('RealKube against a real API server', () => {
  const admin = realKube();
  let ns = '';
  let cleanup = async (): Promise<void> => {};
  const cm = (name: string): ObjectRef => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name });

  beforeAll(async () => {
    ({ namespace: ns, cleanup } = await makeNamespace(admin, 'pennant-real'));
    const binding = (name: string, subject: { kind: 'User' | 'Group'; name: string }): KubeObject => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name, namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', ...subject }],
    });
    await admin.create(binding('bob-views', { kind: 'User', name: 'pennant-bob' }));
    await admin.create(binding('team-b-views', { kind: 'Group', name: 'pennant-team-b' }));
    await admin.create(configMap(ns, 'visible', { a: '1' }));
  }, 120_000);
  afterAll(() => cleanup(), 60_000);

  const listAs = (who: Impersonation): Promise<KubeObject[]> =>
    realKube(who).list({ apiVersion: 'v1', kind: 'ConfigMap' }, { namespace: ns });

  it.each<[string, Impersonation, boolean]>([
    ['an unbound user is refused', { user: 'pennant-alice' }, false],
    ['a user bound by name may read', { user: 'pennant-bob' }, true],
    ['a group bound by name may read', { user: 'pennant-alice', groups: ['pennant-team-b'] }, true],
    ['every group is its own header (the bound one second)', { user: 'pennant-alice', groups: ['pennant-team-a', 'pennant-team-b'] }, true],
    ['an unbound group is refused', { user: 'pennant-alice', groups: ['pennant-team-a'] }, false],
  ])('impersonation: %s', async (_, who, allowed) => {
    if (allowed) {
      expect((await listAs(who)).map((o) => o.metadata.name)).toContain('visible');
    } else {
      const err = await expectKubeError(listAs(who), 'Forbidden');
      expect(err.message).toContain(who.user);
    }
  });

  it('names the verb and the object in error messages', async () => {
    const stale = { ...configMap(ns, 'visible', {}), metadata: { name: 'visible', namespace: ns, resourceVersion: '1' } };
    const err = await expectKubeError(admin.update(stale), 'Conflict');
    expect(err.message).toMatch(new RegExp(`^update v1 ConfigMap ${ns}/visible: `));
    expect(err.status).toBe(409);
  });

  it('an unknown kind is NotFound from discovery, not a null get', async () => {
    const err = await admin.get({ apiVersion: 'pennant.dev/v0', kind: 'Nope', namespace: ns, name: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeError);
    expect((err as KubeError).code).toBe('NotFound');
  });

  it('an informer that ran normally has no restarts', async () => {
    const informer = admin.informer({ apiVersion: 'v1', kind: 'ConfigMap' }, { namespace: ns });
    await informer.start();
    expect(informer.get(ns, 'visible')?.data).toEqual({ a: '1' });
    informer.stop();
    expect(informer.restarts).toBe(0);
    expect(await admin.get(cm('visible'))).not.toBeNull();
  });
});
