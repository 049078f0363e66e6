import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import type https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeConfigFrom } from '../../../src/kube/kubeconfig.js';
import { RestClient } from '../../../src/kube/rest-client.js';
import { FakeApiServer } from './fake-api-server.js';

const dir = mkdtempSync(join(tmpdir(), 'pennant-kubeconfig-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const configWith = (user: Record<string, unknown>, cluster: Record<string, unknown> = { server: 'https://127.0.0.1:6443' }) => file(`c-${Math.random().toString(36).slice(2)}.yaml`, JSON.stringify({
  apiVersion: 'v1', kind: 'Config', 'current-context': 'ctx',
  clusters: [{ name: 'cl', cluster }], users: [{ name: 'u', user }], contexts: [{ name: 'ctx', context: { cluster: 'cl', user: 'u' } }],
}));
const optionsFor = async (kubeconfig: string, extra = {}) => {
  const opts: https.RequestOptions = { headers: {} };
  await kubeConfigFrom({ kubeconfig, ...extra }).applyToHTTPSOptions(opts);
  return opts;
};

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

  it('says when there is no current context, and when the file is not a kubeconfig', () => {
    const noContext = file('none.yaml', JSON.stringify({ clusters: [], users: [], contexts: [] }));
    expect(() => kubeConfigFrom({ kubeconfig: noContext })).toThrow(/no current cluster: set current-context or pass a context/);
    const broken = file('broken.yaml', 'clusters: 3\n');
    expect(() => kubeConfigFrom({ kubeconfig: broken })).toThrow(/is not a kubeconfig: clusters: /);
  });

  it('authenticates requests with the token and impersonates each group on its own header line', async () => {
    await new RestClient(kubeConfigFrom({ kubeconfig, impersonate: { user: 'alice', groups: ['a', 'b'] } })).request({ method: 'GET', path: '/api/v1/namespaces/x' }).catch(() => undefined);
    const req = server.requests.at(-1);
    expect(req?.headers.get('authorization')).toEqual(['Bearer t']);
    expect(req?.headers.get('impersonate-user')).toEqual(['alice']);
    expect(req?.headers.get('impersonate-group')).toEqual(['a', 'b']);
  });

  it.each<[string, Record<string, unknown>, (o: https.RequestOptions) => unknown, unknown]>([
    ['a token', { token: 'abc' }, (o) => (o.headers as Record<string, string>).Authorization, 'Bearer abc'],
    ['basic auth', { username: 'u', password: 'p' }, (o) => (o.headers as Record<string, string>).Authorization, `Basic ${Buffer.from('u:p').toString('base64')}`],
    ['client certificate data', { 'client-certificate-data': Buffer.from('CERT').toString('base64'), 'client-key-data': Buffer.from('KEY').toString('base64') }, (o) => [String(o.cert), String(o.key)], ['CERT', 'KEY']],
    ['a token file relative to the kubeconfig', { tokenFile: 'token.txt' }, (o) => (o.headers as Record<string, string>).Authorization, 'Bearer from-file'],
  ])('static credentials: %s', async (_, user, read, expected) => {
    file('token.txt', 'from-file\n');
    expect(read(await optionsFor(configWith(user)))).toEqual(expected);
  });

  it('cluster TLS settings: CA data, insecure skip, server name, proxy', async () => {
    const path = configWith({ token: 't' }, { server: 'https://api.example:6443', 'certificate-authority-data': Buffer.from('CA').toString('base64'), 'insecure-skip-tls-verify': true, 'tls-server-name': 'api.internal', 'proxy-url': 'http://proxy:3128' });
    const opts = await optionsFor(path);
    expect(String(opts.ca)).toBe('CA');
    expect(opts.rejectUnauthorized).toBe(false);
    expect(opts.servername).toBe('api.internal');
    expect(kubeConfigFrom({ kubeconfig: path }).getCurrentCluster()).toEqual({ name: 'cl', server: 'https://api.example:6443', proxyUrl: 'http://proxy:3128' });
  });

  it('an exec plugin is run through client-node (loaded only then), as kubectl would', async () => {
    const plugin = file('plugin.sh', '#!/bin/sh\necho \'{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"from-exec"}}\'\n');
    chmodSync(plugin, 0o755);
    const opts = await optionsFor(configWith({ exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, interactiveMode: 'Never' } }), { impersonate: { user: 'bob' } });
    expect((opts.headers as Record<string, string>).Authorization).toBe('Bearer from-exec');
    expect((opts.headers as Record<string, string>)['Impersonate-User']).toBe('bob');
    expect(opts.agent).toBeUndefined();
  });

  it('in a pod: the ServiceAccount token (read again when rotated), its CA and the service address', async () => {
    const account = mkdtempSync(join(tmpdir(), 'pennant-sa-'));
    writeFileSync(join(account, 'token'), 'sa-token\n');
    writeFileSync(join(account, 'ca.crt'), 'SA-CA');
    const connection = kubeConfigFrom({ inCluster: { host: '10.0.0.1', port: '443', serviceAccountDir: account } });
    expect(connection.getCurrentCluster()?.server).toBe('https://10.0.0.1:443');
    const opts: https.RequestOptions = { headers: {} };
    await connection.applyToHTTPSOptions(opts);
    expect((opts.headers as Record<string, string>).Authorization).toBe('Bearer sa-token');
    expect(String(opts.ca)).toBe('SA-CA');
    expect(kubeConfigFrom({ inCluster: { host: 'fd00::1', port: '6443', serviceAccountDir: account } }).getCurrentCluster()?.server).toBe('https://[fd00::1]:6443');
  });
});
