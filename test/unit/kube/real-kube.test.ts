import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KubeErrorCode } from '../../../src/kube/errors.js';
import { kubeConfigFrom } from '../../../src/kube/kubeconfig.js';
import { isUnreachable } from '../../../src/kube/failure-hint.js';
import { RealKube } from '../../../src/kube/real.js';
import { RestClient } from '../../../src/kube/rest-client.js';
import type { KubeObject, ObjectRef } from '../../../src/kube/types.js';
import { configMap, deployment, expectKubeError } from '../../contract/kube-fixtures.js';
import { FakeApiServer } from './fake-api-server.js';
import { IO_WAIT } from '../../harness/wait.js';

const cmRef: ObjectRef = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: 'cm' };
const CM_PATH = '/api/v1/namespaces/ns/configmaps/cm';
const status = (code: number, reason: string, message = `${reason} happened`) => ({ status: code, body: { kind: 'Status', code, reason, message } });

describe('RealKube over HTTP (fake API server)', () => {
  const server = new FakeApiServer();
  let kubeconfig = '';
  let kube: RealKube;

  beforeAll(async () => {
    kubeconfig = FakeApiServer.kubeconfigFor(await server.start());
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    server.requests.length = 0;
    server.route = () => undefined;
    kube = new RealKube(kubeConfigFrom({ kubeconfig }), { informer: { initialBackoffMs: 10 } });
  });

  it('get maps a 404 to null and fills apiVersion/kind; discovery is fetched once', async () => {
    expect(await kube.get(cmRef)).toBeNull();
    server.route = (req) => (req.path === CM_PATH ? { status: 200, body: { metadata: { name: 'cm' }, data: { a: '1' } } } : undefined);
    expect(await kube.get(cmRef)).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: '1' } });
    expect(server.requestsTo('/api/v1')).toHaveLength(1);
    expect(server.requestsTo(CM_PATH)[0]?.headers.get('authorization')).toEqual(['Bearer secret-token']);
  });

  it.each<[number, string | undefined, KubeErrorCode]>([
    [404, 'NotFound', 'NotFound'],
    [409, 'Conflict', 'Conflict'],
    [409, 'AlreadyExists', 'AlreadyExists'],
    [422, 'Invalid', 'Invalid'],
    [403, 'Forbidden', 'Forbidden'],
    [401, 'Unauthorized', 'Unauthorized'],
    [500, 'InternalError', 'Unavailable'],
    [429, 'TooManyRequests', 'Unavailable'],
    [502, undefined, 'Unavailable'],
  ])('HTTP %i (%s) is KubeError %s, naming the verb, the object and the server message', async (code, reason, expected) => {
    server.route = (req) => (req.path === CM_PATH ? (reason ? status(code, reason) : { status: code, body: '<html>bad gateway</html>' }) : undefined);
    const err = await expectKubeError(kube.update(configMap('ns', 'cm', {})), expected);
    expect(err.status).toBe(code);
    expect(err.message).toBe(`update v1 ConfigMap ns/cm: ${reason ? `${reason} happened` : '<html>bad gateway</html>'}`);
  });

  it('a server that accepts the connection and never answers: "did not answer", after the request\'s timeout', async () => {
    server.route = () => ({ stream: () => undefined });
    const err = await expectKubeError(new RestClient(kubeConfigFrom({ kubeconfig })).request({ method: 'GET', path: '/api/v1/namespaces', timeoutMs: 100 }), 'Unavailable');
    expect(err.message).toBe(`the API server ${server.url} did not answer (GET /api/v1/namespaces): no answer for 100ms`);
    expect(isUnreachable(err)).toBe(true);
  });

  it('a request we cancel is not the server being unreachable', async () => {
    server.route = () => ({ stream: () => undefined });
    const abort = new AbortController();
    const streaming = new RestClient(kubeConfigFrom({ kubeconfig })).stream({ method: 'GET', path: '/api/v1/namespaces' }, abort.signal);
    abort.abort();
    const err = await expectKubeError(streaming, 'Unavailable');
    expect(err.message).toMatch(new RegExp(`^the request to ${server.url} was cancelled \\(GET /api/v1/namespaces\\)`));
  });

  it('a network failure is Unavailable', async () => {
    const down = FakeApiServer.kubeconfigFor('http://127.0.0.1:9');
    await expectKubeError(new RealKube(kubeConfigFrom({ kubeconfig: down })).get(cmRef), 'Unavailable');
  });

  it('apply is a server-side-apply PATCH with the field manager and force', async () => {
    server.route = (req) => (req.method === 'PATCH' ? { status: 200, body: req.body } : undefined);
    await kube.apply(configMap('ns', 'cm', { a: '1' }), { force: true });
    await kube.apply(configMap('ns', 'cm', { a: '1' }), { fieldManager: 'other' });
    const [forced, other] = server.requestsTo(CM_PATH);
    expect(forced?.headers.get('content-type')).toEqual(['application/apply-patch+yaml']);
    expect(Object.fromEntries(forced?.query ?? [])).toEqual({ fieldManager: 'pennant', force: 'true' });
    expect(Object.fromEntries(other?.query ?? [])).toEqual({ fieldManager: 'other' });
    expect(forced?.body).toEqual(configMap('ns', 'cm', { a: '1' }));
  });

  it('patchStatus merge-patches the status subresource with the resourceVersion as precondition', async () => {
    const path = '/apis/apps/v1/namespaces/ns/deployments/d/status';
    server.route = (req) => (req.path === path ? { status: 200, body: deployment('ns', 'd') } : undefined);
    await kube.patchStatus({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ns', name: 'd' }, { replicas: 2 }, '42');
    const [req] = server.requestsTo(path);
    expect(req?.method).toBe('PATCH');
    expect(req?.headers.get('content-type')).toEqual(['application/merge-patch+json']);
    expect(req?.body).toEqual({ metadata: { resourceVersion: '42' }, status: { replicas: 2 } });
  });

  it.each([
    ['merge', 'application/merge-patch+json'],
    ['json', 'application/json-patch+json'],
  ] as const)('%s patch sends %s', async (type, contentType) => {
    server.route = (req) => (req.path === CM_PATH ? { status: 200, body: configMap('ns', 'cm', {}) } : undefined);
    await kube.patch(cmRef, type === 'merge' ? { data: {} } : [], type);
    expect(server.requestsTo(CM_PATH)[0]?.headers.get('content-type')).toEqual([contentType]);
  });

  it('creates cluster-scoped objects without a namespace segment', async () => {
    server.route = (req) => (req.method === 'POST' ? { status: 201, body: req.body } : undefined);
    await kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    expect(server.requests.at(-1)?.path).toBe('/api/v1/namespaces');
  });

  it('lists every page and types the items', async () => {
    const path = '/api/v1/namespaces/ns/configmaps';
    server.route = (req) => {
      if (req.path !== path) return undefined;
      const second = req.query.get('continue') === 'page2';
      const metadata = second ? { resourceVersion: '9' } : { resourceVersion: '9', continue: 'page2' };
      return { status: 200, body: { metadata, items: [{ metadata: { name: second ? 'b' : 'a' } }] } };
    };
    const items = await kube.list({ apiVersion: 'v1', kind: 'ConfigMap' }, { namespace: 'ns', labelSelector: 'app=web' });
    expect(items.map((o) => [o.kind, o.metadata.name])).toEqual([['ConfigMap', 'a'], ['ConfigMap', 'b']]);
    expect(server.requestsTo(path).map((r) => r.query.get('labelSelector'))).toEqual(['app=web', 'app=web']);
  });

  it('an unknown kind is NotFound from discovery, not a null get', async () => {
    const err = await expectKubeError(kube.get({ ...cmRef, kind: 'Nope' }), 'NotFound');
    expect(err.message).toContain('serves no kind Nope');
  });

  it.each([
    ['no apiVersion', { kind: 'MetricTemplate', metadata: { name: 'm', namespace: 'ns' } }, 'apiVersion is required'],
    ['an apiVersion that is not a string', { apiVersion: 7, kind: 'MetricTemplate', metadata: { name: 'm', namespace: 'ns' } }, 'apiVersion is required'],
    ['no kind', { apiVersion: 'v1', metadata: { name: 'm', namespace: 'ns' } }, 'kind is required'],
  ])('an object with %s (from a user’s manifest) is Invalid naming the field, and nothing is sent', async (_label, obj, message) => {
    const before = server.requests.length;
    const err = await expectKubeError(kube.apply(obj as unknown as KubeObject), 'Invalid');
    expect(err.message).toContain(message);
    expect(server.requests.length).toBe(before);
  });

  it('impersonation sends Impersonate-User and one Impersonate-Group line per group', async () => {
    const who = { user: 'alice', groups: ['team-a', 'team-b'] };
    await new RealKube(kubeConfigFrom({ kubeconfig, impersonate: who })).get(cmRef);
    for (const req of server.requests) {
      expect(req.headers.get('impersonate-user')).toEqual(['alice']);
      expect(req.headers.get('impersonate-group')).toEqual(['team-a', 'team-b']);
    }
  });

  describe('informer', () => {
    const listPath = '/api/v1/namespaces/ns/configmaps';
    const line = (type: string, object: unknown): string => `${JSON.stringify({ type, object })}\n`;

    it('watches from the list version, relists on a 410 ERROR event and keeps watching', async () => {
      let lists = 0;
      server.route = (req) => {
        if (req.path !== listPath) return undefined;
        if (req.query.get('watch') !== 'true') {
          lists += 1;
          const items = lists === 1 ? [{ metadata: { name: 'a', resourceVersion: '1' } }] : [{ metadata: { name: 'b', resourceVersion: '7' } }];
          return { status: 200, body: { metadata: { resourceVersion: lists === 1 ? '5' : '8' }, items } };
        }
        if (req.query.get('resourceVersion') === '5') {
          return { stream: (res) => {
            res.writeHead(200);
            res.write(line('MODIFIED', { metadata: { name: 'a', resourceVersion: '6' }, data: { v: '2' } }));
            res.end(line('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old' }));
          } };
        }
        return { stream: (res) => res.writeHead(200).flushHeaders() }; // stays open
      };
      const informer = kube.informer({ apiVersion: 'v1', kind: 'ConfigMap' }, { namespace: 'ns' });
      const seen: string[] = [];
      informer.onChange((type, obj) => seen.push(`${type} ${obj.kind} ${obj.metadata.name}@${obj.metadata.resourceVersion}`));
      await informer.start();
      await vi.waitFor(() => expect(seen).toEqual(['MODIFIED ConfigMap a@6', 'DELETED ConfigMap a@6', 'ADDED ConfigMap b@7']), IO_WAIT);
      await vi.waitFor(() => expect(server.requestsTo(listPath).at(-1)?.query.get('resourceVersion')).toBe('8'), IO_WAIT);
      expect(server.requestsTo(listPath).at(-1)?.query.get('allowWatchBookmarks')).toBe('true');
      expect(informer.restarts).toBe(0);
      expect(informer.relists).toBe(1);
      informer.stop();
    });

    it('sends a field selector with the list and the watch (the web view watches only the Canaries\' Events)', async () => {
      const eventsPath = '/api/v1/namespaces/ns/events';
      server.route = (req) => {
        if (req.path !== eventsPath) return undefined;
        if (req.query.get('watch') !== 'true') return { status: 200, body: { metadata: { resourceVersion: '5' }, items: [] } };
        return { stream: (res) => res.writeHead(200).flushHeaders() };
      };
      const selector = 'involvedObject.kind=Canary';
      const informer = kube.informer({ apiVersion: 'v1', kind: 'Event' }, { namespace: 'ns', fieldSelector: selector });
      await informer.start();
      await vi.waitFor(() => expect(server.requestsTo(eventsPath).map((r) => [r.query.get('watch'), r.query.get('fieldSelector')])).toEqual([[null, selector], ['true', selector]]), IO_WAIT);
      informer.stop();
      await kube.list({ apiVersion: 'v1', kind: 'Event' }, { namespace: 'ns', fieldSelector: selector });
      expect(server.requestsTo(eventsPath).at(-1)?.query.get('fieldSelector')).toBe(selector);
    });

    it('counts a restart when the watch request fails, then watches again', async () => {
      let watches = 0;
      server.route = (req) => {
        if (req.path !== listPath) return undefined;
        if (req.query.get('watch') !== 'true') return { status: 200, body: { metadata: { resourceVersion: '5' }, items: [] } };
        watches += 1;
        return watches === 1 ? status(500, 'InternalError') : { stream: (res) => res.writeHead(200).flushHeaders() };
      };
      const informer = kube.informer({ apiVersion: 'v1', kind: 'ConfigMap' }, { namespace: 'ns' });
      await informer.start();
      await vi.waitFor(() => expect(watches).toBe(2), IO_WAIT);
      expect(informer.restarts).toBe(1);
      expect(informer.lastError).toMatchObject({ code: 'Unavailable' });
      informer.stop();
    });
  });
});
