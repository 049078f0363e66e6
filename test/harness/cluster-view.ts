import type { Behaviour } from '../../src/demo/traffic-annotations.js';
import type { KubeClient, KubeObject, ResourceType } from '../../src/kube/types.js';
import { deploymentFacts, podFacts, selects, serviceSelector, type DeploymentFacts, type PodFacts } from './pod-facts.js';
import { SERVICE, type ObjectLookup } from './routing-readers.js';
import { WatchedObjects } from './watched-objects.js';

const POD: ResourceType = { apiVersion: 'v1', kind: 'Pod' };
const DEPLOYMENT: ResourceType = { apiVersion: 'apps/v1', kind: 'Deployment' };
const DAEMONSET: ResourceType = { apiVersion: 'apps/v1', kind: 'DaemonSet' };
/** What owns the pods a Service picks: both have a selector and a template with the sim annotations. */
const WORKLOAD_TYPES = [DEPLOYMENT, DAEMONSET];

/** A pod that receives requests, with what it answers them with. */
export interface ServingPod {
  namespace: string;
  name: string;
  /** Its Deployment or DaemonSet (`podinfo`, `podinfo-primary`). */
  workload: string;
  behaviour: Behaviour;
}

const typeKey = (type: ResourceType, namespace: string): string => `${type.apiVersion}/${type.kind}@${namespace}`;

/**
 * The simulator's picture of the cluster, from informers only (one per kind and namespace): no
 * GETs per tick, as a mesh data plane learns endpoints from watches.
 */
export class ClusterView {
  private readonly pods = new Map<string, WatchedObjects<PodFacts>>();
  private readonly deployments = new Map<string, WatchedObjects<DeploymentFacts>>();
  private readonly raw = new Map<string, WatchedObjects<KubeObject>>();
  /** Initial lists in progress or done, so a second caller waits for the same list. */
  private readonly started = new Map<string, Promise<void>>();
  private readonly podDeleted: ((namespace: string, name: string) => void)[] = [];

  constructor(private readonly kube: KubeClient) {}

  /** Watches Pods, Deployments, DaemonSets, Services and `extra` kinds in each namespace; resolves once all are listed. */
  async watchNamespaces(namespaces: readonly string[], extra: readonly ResourceType[]): Promise<void> {
    const started: Promise<void>[] = [];
    for (const namespace of new Set(namespaces)) {
      started.push(this.watch(this.pods, POD, namespace, podFacts));
      for (const type of WORKLOAD_TYPES) started.push(this.watch(this.deployments, type, namespace, deploymentFacts));
      for (const type of uniqueTypes([SERVICE, ...extra])) started.push(this.watch(this.raw, type, namespace, (o) => o));
    }
    await Promise.all(started);
  }

  stop(): void {
    for (const index of [...this.pods.values(), ...this.deployments.values(), ...this.raw.values()]) index.stop();
  }

  readonly lookup: ObjectLookup = (type, namespace, name) => this.raw.get(typeKey(type, namespace))?.get(namespace, name);

  /** The Running+Ready pods a Service's selector picks: its endpoints. */
  readyPods(namespace: string, service: string): ServingPod[] {
    const svc = this.lookup(SERVICE, namespace, service);
    const selector = svc && serviceSelector(svc);
    if (!selector) return [];
    const serving: ServingPod[] = [];
    for (const pod of this.pods.get(typeKey(POD, namespace))?.inNamespace(namespace) ?? []) {
      if (!pod.ready || !selects(selector, pod.labels)) continue;
      const owner = this.ownerOf(pod);
      serving.push({
        namespace,
        name: pod.name,
        // Without a matching Deployment, the name minus its ReplicaSet and pod hashes.
        workload: owner?.name ?? pod.name.replace(/-[^-]+-[^-]+$/, ''),
        // A pod's own annotations win: during a rolling update the old pods still behave the old way.
        behaviour: pod.ownBehaviour ?? owner?.behaviour ?? { errorRate: 0, latencyMs: 50 },
      });
    }
    return serving;
  }

  /** Also for namespaces watched later. */
  onPodDeleted(handler: (namespace: string, name: string) => void): void {
    this.podDeleted.push(handler);
    for (const index of this.pods.values()) index.onDeleted(handler);
  }

  private ownerOf(pod: PodFacts): DeploymentFacts | undefined {
    for (const type of WORKLOAD_TYPES) {
      for (const d of this.deployments.get(typeKey(type, pod.namespace))?.inNamespace(pod.namespace) ?? []) {
        if (Object.keys(d.matchLabels).length > 0 && selects(d.matchLabels, pod.labels)) return d;
      }
    }
    return undefined;
  }

  private watch<T>(
    into: Map<string, WatchedObjects<T>>,
    type: ResourceType,
    namespace: string,
    digest: (obj: KubeObject) => T | undefined,
  ): Promise<void> {
    const key = typeKey(type, namespace);
    const already = this.started.get(key);
    if (already) return already;
    const index = new WatchedObjects(this.kube.informer(type, { namespace }), digest);
    into.set(key, index);
    if (type === POD) for (const handler of this.podDeleted) index.onDeleted(handler);
    const started = index.start().catch((err: unknown) => {
      // Forget it, so a later attempt (e.g. once a CRD is installed) starts afresh.
      index.stop();
      into.delete(key);
      this.started.delete(key);
      throw err;
    });
    this.started.set(key, started);
    return started;
  }
}

function uniqueTypes(types: readonly ResourceType[]): ResourceType[] {
  const seen = new Map<string, ResourceType>();
  for (const t of types) seen.set(`${t.apiVersion}/${t.kind}`, t);
  return [...seen.values()];
}
