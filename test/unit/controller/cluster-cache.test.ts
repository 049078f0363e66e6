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
