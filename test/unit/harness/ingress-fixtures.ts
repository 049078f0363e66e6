import type { Canary, CanaryAnalysis } from '../../../src/api/index.js';
import { MemoryKube, type Informer, type ResourceType } from '../../../src/kube/index.js';
import { routerFor, type Router } from '../../../src/routers/index.js';
import { HTTPPROXY, INGRESS, TRAEFIK_SERVICE } from '../../harness/ingress-readers.js';
import { createSimPods, simDeployment } from '../../harness/sim-fixtures.js';
import type { RoutedApp } from './fixtures.js';
import { NS } from './fixtures.js';

export type IngressProvider = 'nginx' | 'contour' | 'traefik';

const TYPES: ResourceType[] = [{ apiVersion: 'apps/v1', kind: 'Deployment' }, { apiVersion: 'v1', kind: 'Service' }, INGRESS, HTTPPROXY, TRAEFIK_SERVICE];

/** The Ingress of the user's that the nginx router copies: `web` → the apex Service podinfo:80. */
export const USER_INGRESS = 'web';
export const PORT = 80;

/**
 * As routedApp, for the ingress routers: podinfo (canary, 10% errors, 800 ms) and podinfo-primary
 * (healthy, 50 ms), 3 ready pods each, and Pennant's real router for `provider` having reconciled
 * a Canary on port 80; for nginx, the user's Ingress it copies (named `web`, not the target).
 */
export async function routedIngressApp(provider: IngressProvider, analysis: CanaryAnalysis = {}): Promise<RoutedApp> {
  const kube = new MemoryKube();
  const created = await kube.create({ apiVersion: 'pennant.dev/v1beta1', kind: 'Canary', metadata: { name: 'podinfo', namespace: NS }, spec: {} });
  const canary: Canary = {
    apiVersion: 'pennant.dev/v1beta1',
    kind: 'Canary',
    metadata: { name: 'podinfo', namespace: NS, uid: created.metadata.uid },
    spec: {
      provider,
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
      ...(provider === 'nginx' ? { ingressRef: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: USER_INGRESS } } : {}),
      service: { port: PORT, targetPort: 9898 },
      analysis,
    },
  };
  if (provider === 'nginx') {
    const backend = { service: { name: 'podinfo', port: { number: PORT } } };
    await kube.create({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: USER_INGRESS, namespace: NS },
      spec: { ingressClassName: 'nginx', rules: [{ host: 'app.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } }] },
    });
  }
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
  const router: Router = routerFor(provider, { kube, cache });
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  await settle();
  await router.reconcile(canary);
  await settle();
  return { kube, canary, router, canaryPods, primaryPods, settle, stop: () => informers.forEach((i) => i.stop()) };
}
