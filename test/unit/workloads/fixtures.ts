import type { Canary, CanarySpec } from '../../../src/api/index.js';
import { ClusterCache } from '../../../src/controller/cluster-cache.js';
import { MemoryKube } from '../../../src/kube/memory.js';
import type { ApplyOptions, KubeClient, KubeObject, ObjectRef, PatchType, ResourceType } from '../../../src/kube/types.js';
import { deployment, type Deployment } from '../../../src/workloads/k8s-types.js';

export const NS = 'test';

export const DEPLOYMENT: ResourceType = { apiVersion: 'apps/v1', kind: 'Deployment' };
export const CONFIGMAP: ResourceType = { apiVersion: 'v1', kind: 'ConfigMap' };
export const SECRET: ResourceType = { apiVersion: 'v1', kind: 'Secret' };
export const HPA: ResourceType = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' };
export const SERVICE: ResourceType = { apiVersion: 'v1', kind: 'Service' };
export const HTTPROUTE_V1: ResourceType = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute' };
export const HTTPROUTE_V1BETA1: ResourceType = { apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'HTTPRoute' };

export const ref = (type: ResourceType, name: string, namespace = NS): ObjectRef => ({ ...type, namespace, name });

export interface DeploymentOptions {
  name?: string;
  namespace?: string;
  replicas?: number;
  /** spec.selector.matchLabels (also the pod labels unless podLabels is given). */
  matchLabels?: Record<string, string>;
  podLabels?: Record<string, string>;
  podAnnotations?: Record<string, string>;
  labels?: Record<string, string>;
  /** The pod spec; one `podinfo` container by default. */
  podSpec?: Record<string, unknown>;
  /** Extra fields of spec (strategy, minReadySeconds, …). */
  spec?: Record<string, unknown>;
}

export const container = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'podinfo',
  image: 'ghcr.io/stefanprodan/podinfo:6.0.0',
  ports: [{ name: 'http', containerPort: 9898, protocol: 'TCP' }],
  ...extra,
});

/** A Deployment as it is written to the API (no status). */
export function deploymentObject(o: DeploymentOptions = {}): KubeObject {
  const name = o.name ?? 'podinfo';
  const matchLabels = o.matchLabels ?? { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: o.namespace ?? NS, ...(o.labels ? { labels: o.labels } : {}) },
    spec: {
      ...(o.replicas !== undefined ? { replicas: o.replicas } : {}),
      selector: { matchLabels },
      template: {
        metadata: { labels: o.podLabels ?? matchLabels, ...(o.podAnnotations ? { annotations: o.podAnnotations } : {}) },
        spec: o.podSpec ?? { containers: [container()] },
      },
      ...o.spec,
    },
  };
}

/** The same Deployment, parsed the way the workload code reads it. */
export const makeDeployment = (o: DeploymentOptions = {}): Deployment => deployment.parse(deploymentObject(o));

export interface CanaryOptions {
  name?: string;
  namespace?: string;
  uid?: string;
  spec?: Partial<CanarySpec>;
  analysis?: Partial<CanarySpec['analysis']>;
}

export function makeCanary(o: CanaryOptions = {}): Canary {
  return {
    apiVersion: 'pennant.dev/v1beta1',
    kind: 'Canary',
    metadata: { name: o.name ?? 'podinfo', namespace: o.namespace ?? NS, uid: o.uid ?? 'uid-canary-1', generation: 1 },
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
      service: { port: 9898 },
      ...o.spec,
      analysis: { interval: '1m', threshold: 2, maxWeight: 50, stepWeight: 10, ...o.analysis },
    },
  };
}

export const ownerOf = (canary: Canary) => ({
  apiVersion: 'pennant.dev/v1beta1',
  kind: 'Canary',
  name: canary.metadata.name,
  uid: canary.metadata.uid,
  controller: true,
  blockOwnerDeletion: true,
});

/** Lets the informers catch up: their events arrive on microtasks, all of which run before this resolves. */
export const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Every write a component under test makes, by verb, so a test can assert that nothing was written. */
export interface WriteLog {
  writes: string[];
}

/** A KubeClient that records writes and passes everything to MemoryKube. */
export function recordingClient(kube: MemoryKube): KubeClient & WriteLog {
  const writes: string[] = [];
  const name = (o: { kind: string; metadata?: { name?: string }; name?: string }) => `${o.kind}/${o.metadata?.name ?? o.name ?? ''}`;
  return {
    writes,
    get: (r) => kube.get(r),
    list: (t, opts) => kube.list(t, opts),
    apply: (obj: KubeObject, opts?: ApplyOptions) => (writes.push(`apply ${name(obj)}`), kube.apply(obj, opts)),
    create: (obj) => (writes.push(`create ${name(obj)}`), kube.create(obj)),
    update: (obj) => (writes.push(`update ${name(obj)}`), kube.update(obj)),
    patch: (r: ObjectRef, p: unknown, type?: PatchType) => (writes.push(`patch ${name(r)}`), kube.patch(r, p, type)),
    patchStatus: (r, s, rv) => (writes.push(`patchStatus ${name(r)}`), kube.patchStatus(r, s, rv)),
    delete: (r) => (writes.push(`delete ${name(r)}`), kube.delete(r)),
    recordEvent: (e) => kube.recordEvent(e),
    informer: (t, opts) => kube.informer(t, opts),
  };
}

/** A cluster, a recording client over it and informer caches for the given types. */
export async function cluster(types: ResourceType[]) {
  const kube = new MemoryKube();
  const client = recordingClient(kube);
  const cache = new ClusterCache(kube);
  await cache.watch(types);
  return { kube, client, cache };
}

export const resourceVersion = async (kube: KubeClient, r: ObjectRef): Promise<string | undefined> =>
  (await kube.get(r))?.metadata.resourceVersion;
