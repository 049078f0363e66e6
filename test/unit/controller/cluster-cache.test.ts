import { describe, expect, it } from 'vitest';
import { ClusterCache } from '../../../src/controller/cluster-cache.js';
import { KubeError } from '../../../src/kube/errors.js';
import { MemoryKube } from '../../../src/kube/memory.js';
import type { Informer, KubeClient, ResourceType } from '../../../src/kube/types.js';

const ROUTE: ResourceType = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute' };
const CONFIGMAP: ResourceType = { apiVersion: 'v1', kind: 'ConfigMap' };

/** A cluster whose API for `missing` fails with `failure` (a 404) until `install()`. */
function clusterWithout(missing: ResourceType, failure: unknown = new KubeError('NotFound', 'the server could not find the requested resource', 404)) {
  const kube = new MemoryKube();
  let installed = false;
  const client = new Proxy(kube, {
    get(target, prop, receiver) {
      if (prop !== 'informer') return Reflect.get(target, prop, receiver);
      return (type: ResourceType, options: object): Informer => {
        const informer = target.informer(type, options);
        if (installed || type.kind !== missing.kind) return informer;
        return { ...informer, start: () => Promise.reject(failure), stop: () => informer.stop() } as Informer;
      };
    },
  }) as KubeClient;
  return { kube, client, install: () => { installed = true; } };
}

describe('ClusterCache', () => {
  it('watches a type on demand and hears its changes through the shared handler', async () => {
    const kube = new MemoryKube();
    const heard: string[] = [];
    const cache = new ClusterCache(kube, undefined, (type, event, obj) => heard.push(`${type.kind} ${event} ${obj.metadata.name}`));
    await cache.watch([CONFIGMAP]);
    await cache.watch([CONFIGMAP, ROUTE]);
    await kube.create({ apiVersion: ROUTE.apiVersion, kind: ROUTE.kind, metadata: { name: 'podinfo', namespace: 'test' } });
    await expect.poll(() => heard).toEqual(['HTTPRoute ADDED podinfo']);
    expect(cache.get(ROUTE, 'test', 'podinfo')?.metadata.name).toBe('podinfo');
    cache.stop();
  });

  it('a type whose API is not installed is an error naming it, and a later watch tries again', async () => {
    const cluster = clusterWithout(ROUTE);
    const cache = new ClusterCache(cluster.client);
    await expect(cache.watch([ROUTE])).rejects.toThrow(/cannot watch HTTPRoute \(gateway\.networking\.k8s\.io\/v1\).*is its API installed/);
    expect(cache.has(ROUTE)).toBe(false);
    cluster.install();
    await cache.watch([ROUTE]);
    expect(cache.has(ROUTE)).toBe(true);
    cache.stop();
  });

  // It used to ask "is its API installed?" whatever the failure, an unreachable server included.
  it.each<[string, KubeError, string]>([
    ['unreachable', new KubeError('Unavailable', 'the API server https://10.0.0.1:6443 is unreachable (GET /apis/gateway.networking.k8s.io/v1): connect ECONNREFUSED 10.0.0.1:6443'), "ECONNREFUSED 10.0.0.1:6443; check the kubeconfig's server address and that the API server is running"],
    ['401', new KubeError('Unauthorized', 'Unauthorized', 401), '(401 Unauthorized)'],
    ['403', new KubeError('Forbidden', 'httproutes.gateway.networking.k8s.io is forbidden', 403), '(403 Forbidden): apply deploy/'],
  ])('a watch that fails as %s says so, and does not ask whether the API is installed', async (_name, failure, says) => {
    const cache = new ClusterCache(clusterWithout(ROUTE, failure).client);
    const watching = cache.watch([ROUTE]);
    await expect(watching).rejects.toThrow(says);
    await expect(watching).rejects.not.toThrow(/installed/);
    cache.stop();
  });

  it('concurrent watches of one type share one informer', async () => {
    const kube = new MemoryKube();
    let created = 0;
    const client = new Proxy(kube, {
      get: (t, p, r) => (p === 'informer' ? (...args: Parameters<KubeClient['informer']>) => { created++; return t.informer(...args); } : Reflect.get(t, p, r)),
    }) as KubeClient;
    const cache = new ClusterCache(client);
    await Promise.all([cache.watch([ROUTE]), cache.watch([ROUTE]), cache.watch([ROUTE, CONFIGMAP])]);
    expect(created).toBe(2);
    cache.stop();
  });
});

describe('ClusterCache with a policy: content on demand, owners not kept', () => {
  const SECRET: ResourceType = { apiVersion: 'v1', kind: 'Secret' };
  const policy = { onDemand: [CONFIGMAP, SECRET], withoutOwnership: [CONFIGMAP, SECRET] };
  const counting = (kube: MemoryKube) => {
    const gets: string[] = [];
    const client = new Proxy(kube, {
      get(target, prop, receiver) {
        if (prop !== 'get') return Reflect.get(target, prop, receiver);
        return (ref: { kind: string; name: string }) => {
          gets.push(`${ref.kind}/${ref.name}`);
          return target.get(ref as never);
        };
      },
    }) as KubeClient;
    return { client, gets };
  };
  const cm = (name: string, v: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'test' }, data: { v } });

  it('keeps only metadata; the content is fetched once when read, and again only after it changed', async () => {
    const kube = new MemoryKube();
    await kube.create(cm('settings', 'blue'));
    const { client, gets } = counting(kube);
    const cache = new ClusterCache(client, undefined, undefined, policy);
    await cache.watch([CONFIGMAP]);
    expect(cache.list(CONFIGMAP)[0]?.data).toBeUndefined();
    expect(() => cache.get(CONFIGMAP, 'test', 'settings')).toThrow(/ConfigMap test\/settings: its content was not fetched before it was read/);
    await cache.ensureContent([{ ...CONFIGMAP, namespace: 'test', name: 'settings' }]);
    expect(cache.get(CONFIGMAP, 'test', 'settings')?.data).toEqual({ v: 'blue' });
    expect((await cache.content(CONFIGMAP, 'test', 'settings'))?.data).toEqual({ v: 'blue' });
    expect(gets).toEqual(['ConfigMap/settings']);
    await kube.patch({ ...CONFIGMAP, namespace: 'test', name: 'settings' }, { data: { v: 'green' } });
    await expect.poll(() => { try { cache.get(CONFIGMAP, 'test', 'settings'); return 'fresh'; } catch { return 'stale'; } }).toBe('stale');
    expect((await cache.content(CONFIGMAP, 'test', 'settings'))?.data).toEqual({ v: 'green' });
    expect(gets).toEqual(['ConfigMap/settings', 'ConfigMap/settings']);
    cache.stop();
  });

  it('a missing object is undefined without a request; a deleted one is forgotten', async () => {
    const kube = new MemoryKube();
    await kube.create(cm('settings', 'blue'));
    const { client, gets } = counting(kube);
    const cache = new ClusterCache(client, undefined, undefined, policy);
    await cache.watch([CONFIGMAP]);
    expect(await cache.content(CONFIGMAP, 'test', 'absent')).toBeUndefined();
    expect(gets).toEqual([]);
    await cache.content(CONFIGMAP, 'test', 'settings');
    await kube.delete({ ...CONFIGMAP, namespace: 'test', name: 'settings' });
    await expect.poll(() => cache.list(CONFIGMAP).length).toBe(0);
    expect(cache.get(CONFIGMAP, 'test', 'settings')).toBeUndefined();
    expect(await cache.content(CONFIGMAP, 'test', 'settings')).toBeUndefined();
    cache.stop();
  });

  it('kinds outside the policy are kept whole, owners included; inside it, owners are dropped', async () => {
    const kube = new MemoryKube();
    const managedFields = [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} } }];
    await kube.create({ apiVersion: ROUTE.apiVersion, kind: ROUTE.kind, metadata: { name: 'podinfo', namespace: 'test', managedFields }, spec: { a: 1 } } as never);
    await kube.create({ ...cm('settings', 'blue'), metadata: { name: 'settings', namespace: 'test', managedFields } } as never);
    const cache = new ClusterCache(kube, undefined, undefined, policy);
    await cache.watch([ROUTE, CONFIGMAP]);
    const route = cache.get(ROUTE, 'test', 'podinfo');
    expect(route?.spec).toEqual({ a: 1 });
    expect((route?.metadata as { managedFields?: unknown[] }).managedFields).toEqual(managedFields);
    expect((cache.list(CONFIGMAP)[0]?.metadata as { managedFields?: unknown[] }).managedFields).toBeUndefined();
    expect(((await cache.content(CONFIGMAP, 'test', 'settings'))?.metadata as { managedFields?: unknown[] }).managedFields).toBeUndefined();
    cache.stop();
  });
});
