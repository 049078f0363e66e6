import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiServerError, checkApiServer } from '../../../src/controller/api-check.js';
import { kubeConfigFrom } from '../../../src/kube/kubeconfig.js';
import { RealKube } from '../../../src/kube/real.js';
import { freePort } from '../../harness/loopback-server.js';
import { FakeApiServer, type Reply } from '../kube/fake-api-server.js';

const CANARY_DISCOVERY = { resources: [{ name: 'canaries', namespaced: true, kind: 'Canary' }] };
const status = (code: number, reason: string, message: string): Reply => ({ status: code, body: { kind: 'Status', code, reason, message } });

interface Outcome {
  error: ApiServerError | undefined;
  retries: { attempt: number; reason: string }[];
}

/** The check against `server` with instant back-off: each retry is recorded instead of waited for. */
async function check(server: string, attempts = 3): Promise<Outcome> {
  const kube = new RealKube(kubeConfigFrom({ kubeconfig: FakeApiServer.kubeconfigFor(server) }));
  const retries: Outcome['retries'] = [];
  try {
    await checkApiServer(kube, { attempts, firstBackoffMs: 500, sleep: async () => undefined, onRetry: (r) => retries.push(r) });
    return { error: undefined, retries };
  } catch (err) {
    if (err instanceof ApiServerError) return { error: err, retries };
    throw err;
  }
}

describe('checkApiServer: why the API server cannot be used, told apart', () => {
  const api = new FakeApiServer();
  beforeAll(async () => {
    await api.start();
  });
  afterAll(async () => {
    await api.stop();
  });

  it('a closed port: unreachable, the address and ECONNREFUSED named, retried and each retry said', async () => {
    const port = await freePort();
    const { error, retries } = await check(`https://127.0.0.1:${port}`);
    expect(error?.message).toContain(`the API server https://127.0.0.1:${port} is unreachable`);
    expect(error?.message).toContain('ECONNREFUSED');
    expect(error?.message).toContain('(gave up after 3 tries)');
    expect(error?.message).not.toContain('installed');
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
    for (const r of retries) expect(r.reason).toContain('ECONNREFUSED');
  });

  it('a host that does not resolve: unreachable, ENOTFOUND named', async () => {
    const { error } = await check('https://pennant-api.invalid:6443', 1);
    expect(error?.message).toContain('the API server https://pennant-api.invalid:6443 is unreachable');
    expect(error?.message).toMatch(/ENOTFOUND|EAI_AGAIN/);
  });

  it('TLS spoken to a server that does not: a TLS failure, with what to check', async () => {
    const { error } = await check(api.url.replace('http:', 'https:'), 1);
    expect(error?.message).toContain(`TLS with the API server ${api.url.replace('http:', 'https:')} failed`);
    expect(error?.message).toContain("check the kubeconfig's certificate-authority");
  });

  it.each<[string, Reply, string]>([
    ['401: the credentials', status(401, 'Unauthorized', 'Unauthorized'), "(401 Unauthorized): check the kubeconfig's user"],
    ['403: RBAC', status(403, 'Forbidden', 'canaries.pennant.dev is forbidden: User "tester" cannot list resource "canaries"'), '(403 Forbidden): apply deploy/'],
  ])('%s, at once (waiting does not mend it)', async (_name, reply, hint) => {
    api.route = (req) => (req.path === '/apis/pennant.dev/v1beta1' ? { status: 200, body: CANARY_DISCOVERY } : reply);
    const { error, retries } = await check(api.url);
    expect(error?.message).toContain(hint);
    expect(error?.message).not.toContain('unreachable');
    expect(retries).toEqual([]);
  });

  it('404 for the API group: the CRDs are not installed', async () => {
    api.route = () => undefined;
    const { error, retries } = await check(api.url);
    expect(error?.message).toContain('the server does not serve API version pennant.dev/v1beta1');
    expect(error?.message).toContain('kubectl apply -k crds/');
    expect(retries).toEqual([]);
  });

  it('a 503 while the API server starts: retried, and fine once it answers', async () => {
    let calls = 0;
    api.route = (req) => {
      if (req.path === '/apis/pennant.dev/v1beta1') return { status: 200, body: CANARY_DISCOVERY };
      calls += 1;
      return calls === 1 ? status(503, 'ServiceUnavailable', 'etcd is not ready') : { status: 200, body: { kind: 'CanaryList', metadata: { resourceVersion: '1' }, items: [] } };
    };
    const { error, retries } = await check(api.url);
    expect(error).toBeUndefined();
    expect(retries.map((r) => r.reason)).toEqual([expect.stringContaining('etcd is not ready')]);
  });
});
