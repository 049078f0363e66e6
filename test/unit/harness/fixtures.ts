import type { Canary, CanaryAnalysis, Provider } from '../../../src/api/index.js';
import { MemoryKube, type Informer, type ResourceType } from '../../../src/kube/index.js';
import { routerFor, type Router } from '../../../src/routers/index.js';
import { createSimPods, simDeployment } from '../../harness/sim-fixtures.js';

export const NS = 'sim';

const TYPES: ResourceType[] = [
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute' },
  { apiVersion: 'split.smi-spec.io/v1alpha1', kind: 'TrafficSplit' },
  { apiVersion: 'split.smi-spec.io/v1alpha2', kind: 'TrafficSplit' },
];

export interface RoutedApp {
  kube: MemoryKube;
  canary: Canary;
  router: Router;
  canaryPods: string[];
  primaryPods: string[];
  /** Lets informer events (delivered a microtask later) reach the router's cache and the simulator. */
  settle(): Promise<void>;
  stop(): void;
}

/**
 * podinfo (canary, 10% errors, 800 ms) and podinfo-primary (healthy, 50 ms), 3 ready pods each, a
 * Canary, and Pennant's real router for `provider` having reconciled: the objects the simulator
 * reads are exactly what Pennant writes.
 */
export async function routedApp(provider: Provider, analysis: CanaryAnalysis = {}): Promise<RoutedApp> {
  const kube = new MemoryKube();
  const created = await kube.create({
    apiVersion: 'pennant.dev/v1beta1',
    kind: 'Canary',
    metadata: { name: 'podinfo', namespace: NS },
    spec: {},
  });
  const canary: Canary = {
    apiVersion: 'pennant.dev/v1beta1',
    kind: 'Canary',
    metadata: { name: 'podinfo', namespace: NS, uid: created.metadata.uid },
    spec: {
      provider,
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
      service: { port: 9898, gatewayRefs: [{ name: 'gateway', namespace: 'infra' }] },
      analysis,
    },
  };
  await kube.create(simDeployment({ namespace: NS, name: 'podinfo', errorRate: 0.1, latencyMs: 800 }));
  await kube.create(simDeployment({ namespace: NS, name: 'podinfo-primary', errorRate: 0, latencyMs: 50 }));
  const canaryPods = await createSimPods(kube, { namespace: NS, app: 'podinfo', count: 3 });
  const primaryPods = await createSimPods(kube, { namespace: NS, app: 'podinfo-primary', count: 3 });
  const informers: Informer[] = TYPES.map((t) => kube.informer(t));
  await Promise.all(informers.map((i) => i.start()));
  const cache = {
    get: (type: ResourceType, namespace: string, name: string) =>
      informers[TYPES.findIndex((t) => t.apiVersion === type.apiVersion && t.kind === type.kind)]?.get(namespace, name),
  };
  const router = routerFor(provider, { kube, cache });
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  await router.reconcile(canary);
  await settle();
  return { kube, canary, router, canaryPods, primaryPods, settle, stop: () => informers.forEach((i) => i.stop()) };
}
