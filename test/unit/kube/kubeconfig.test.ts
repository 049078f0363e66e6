import { writeFileSync } from 'node:fs';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeError } from '../../../src/kube/errors.js';
import { kubeConfigFrom } from '../../../src/kube/kubeconfig.js';
import { FakeApiServer } from './fake-api-server.js';

describe('kubeConfigFrom', () => {
  const server = new FakeApiServer();
  let kubeconfig = '';

  beforeAll(async () => {
    kubeconfig = FakeApiServer.kubeconfigFor(await server.start());
    // A second context pointing at a server nobody listens on.
    const config = { apiVersion: 'v1', kind: 'Config', clusters: [
      { name: 'fake', cluster: { server: server.url, 'insecure-skip-tls-verify': true } },
      { name: 'other', cluster: { server: 'http://127.0.0.1:9', 'insecure-skip-tls-verify': true } },
    ], users: [{ name: 'tester', user: { token: 't' } }], contexts: [
      { name: 'fake', context: { cluster: 'fake', user: 'tester' } },
      { name: 'other', context: { cluster: 'other', user: 'tester' } },
    ], 'current-context': 'fake' };
    writeFileSync(kubeconfig, JSON.stringify(config));
  });
  afterAll(() => server.stop());

  it.each([
    [undefined, 'fake'],
    ['other', 'other'],
  ])('context %s selects cluster %s', (context, cluster) => {
    expect(kubeConfigFrom({ kubeconfig, ...(context ? { context } : {}) }).getCurrentCluster()?.name).toBe(cluster);
  });

  it('names the contexts it has when asked for an unknown one', () => {
    expect(() => kubeConfigFrom({ kubeconfig, context: 'nope' })).toThrow(/no context "nope" \(it has: fake, other\)/);
  });

  it('impersonates one group through client-node API clients too', async () => {
    const api = kubeConfigFrom({ kubeconfig, impersonate: { user: 'alice', groups: ['team-a'] } }).makeApiClient(CoreV1Api);
    await api.readNamespace({ name: 'x' }).catch(() => undefined);
    const req = server.requests.at(-1);
    expect(req?.headers.get('impersonate-user')).toEqual(['alice']);
    expect(req?.headers.get('impersonate-group')).toEqual(['team-a']);
  });

  it('refuses several groups through client-node API clients rather than sending "a,b"', async () => {
    const api = kubeConfigFrom({ kubeconfig, impersonate: { user: 'alice', groups: ['a', 'b'] } }).makeApiClient(CoreV1Api);
    await expect(api.readNamespace({ name: 'x' })).rejects.toBeInstanceOf(KubeError);
  });
});
