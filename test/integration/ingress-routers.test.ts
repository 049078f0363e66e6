import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { podinfoCanary, podinfoDeployment } from '../../src/demo/manifests.js';
import { ERROR_RATE_ANNOTATION } from '../../src/demo/traffic-annotations.js';
import type { KubeClient, KubeObject, ResourceType } from '../../src/kube/types.js';
import { canaryStatus, deploymentOf, setImage, waitForPhase } from '../scenarios/helpers.js';
import { RealStack } from './real-stack.js';

type IngressProvider = 'nginx' | 'contour' | 'traefik';

const INTERVAL = '5s';
const PHASE_TIMEOUT = 120_000;
const PORT = 9898;
const INGRESS: ResourceType = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' };
const HTTPPROXY: ResourceType = { apiVersion: 'projectcontour.io/v1', kind: 'HTTPProxy' };
const TRAEFIK_SERVICE: ResourceType = { apiVersion: 'traefik.io/v1alpha1', kind: 'TraefikService' };
/** The user's Ingress the nginx router copies; named apart from the target, so `{{ ingress }}` is really ingressRef. */
const USER_INGRESS = 'web';

interface Backend { name: string; weight?: number; mirror?: boolean }

/** Where each provider keeps the canary weight, and how to read it. */
const ROUTING: Record<IngressProvider, { type: ResourceType; name: string; canaryWeight: (obj: KubeObject) => number | undefined }> = {
  nginx: {
    type: INGRESS,
    name: `${USER_INGRESS}-canary`,
    canaryWeight: (obj) => {
      const weight = obj.metadata.annotations?.['nginx.ingress.kubernetes.io/canary-weight'];
      return weight === undefined ? undefined : Number(weight);
    },
  },
  contour: {
    type: HTTPPROXY,
    name: 'podinfo',
    canaryWeight: (obj) => (obj.spec as { routes?: { services: Backend[] }[] }).routes?.at(-1)?.services.find((s) => s.name === 'podinfo-canary' && !s.mirror)?.weight,
  },
  traefik: {
    type: TRAEFIK_SERVICE,
    name: 'podinfo',
    canaryWeight: (obj) => (obj.spec as { weighted?: { services: Backend[] } }).weighted?.services.find((s) => s.name === 'podinfo-canary')?.weight,
  },
};

/** The provider-shaped series of the canary, as Prometheus has them (the builtin queries' selectors, summed). */
const CANARY_SERIES: Record<IngressProvider, (ns: string) => string> = {
  nginx: (ns) => `sum(nginx_ingress_controller_requests{namespace="${ns}", ingress="${USER_INGRESS}", canary!=""})`,
  contour: (ns) => `sum(envoy_cluster_upstream_rq{envoy_cluster_name="${ns}_podinfo-canary_${PORT}"})`,
  traefik: (ns) => `sum(traefik_service_request_duration_seconds_bucket{service="${ns}-podinfo-canary-${PORT}@kubernetescrd", le="+Inf"})`,
};

/** Every distinct canary weight the router's object takes, in order. */
function recordWeights(kube: KubeClient, namespace: string, provider: IngressProvider): { weights: number[]; stop: () => void } {
  const { type, name, canaryWeight } = ROUTING[provider];
  const weights: number[] = [];
  const informer = kube.informer(type, { namespace });
  void informer.start();
  const stop = informer.onChange((_type, obj) => {
    if (obj.metadata.name !== name) return;
    const weight = canaryWeight(obj);
    if (weight !== undefined && weights.at(-1) !== weight) weights.push(weight);
  });
  return { weights, stop: () => { stop(); informer.stop(); } };
}

interface Check { name: string; value: number | null; verdict: string }

/**
 * The ingress routers on real parts: their objects go to a real API server (Ingress is built in;
 * HTTPProxy and TraefikService from Contour's and Traefik's own CRDs), the traffic simulator plays
 * ingress-nginx, Envoy and Traefik (their series), real Prometheus answers Pennant's builtin
 * queries for each provider. The canaries run side by side to keep the file short.
 */
describe.concurrent('ingress routers on the real control plane: nginx, contour, traefik', () => {
  const stack = new RealStack(inject('kubeconfig'));
  let n = 0;

  beforeAll(async () => {
    await stack.start();
  }, 120_000);
  afterAll(async () => {
    await stack.stop();
  });

  /** A fresh namespace with podinfo 6.0.0 initialised under a Canary of `provider` (10% then 20%, then promotion). */
  async function initialised(provider: IngressProvider, name: string): Promise<string> {
    const ns = `it-${provider}-${name}-${process.pid}-${n++}`;
    await stack.kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await stack.kube.create(podinfoDeployment(ns, { image: 'podinfo:6.0.0' }));
    const canary = podinfoCanary({ namespace: ns, interval: INTERVAL, provider, threshold: 2, stepWeight: 10, maxWeight: 20 });
    if (provider === 'nginx') {
      const backend = { service: { name: 'podinfo', port: { number: PORT } } };
      await stack.kube.create({
        apiVersion: INGRESS.apiVersion,
        kind: INGRESS.kind,
        metadata: { name: USER_INGRESS, namespace: ns, annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '1m' } },
        spec: { ingressClassName: 'nginx', rules: [{ host: `${ns}.example.com`, http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } }] },
      });
      Object.assign(canary.spec as object, { ingressRef: { apiVersion: INGRESS.apiVersion, kind: INGRESS.kind, name: USER_INGRESS } });
    }
    await stack.simulator.addApps([{ namespace: ns, service: 'podinfo', target: 'podinfo', provider, ...(provider === 'nginx' ? { ingress: USER_INGRESS } : {}) }]);
    await stack.kube.create(canary);
    await waitForPhase(stack.kube, ns, 'Initialized', PHASE_TIMEOUT);
    return ns;
  }

  const routingObject = async (ns: string, provider: IngressProvider) =>
    stack.kube.get({ ...ROUTING[provider].type, namespace: ns, name: ROUTING[provider].name });

  it.for<IngressProvider>(['nginx', 'contour', 'traefik'])(
    '%s: a healthy canary goes 10% → 20% on the builtin metrics and is promoted',
    { timeout: 240_000 },
    async (provider, { expect }) => {
      const ns = await initialised(provider, 'healthy');
      expect(ROUTING[provider].canaryWeight((await routingObject(ns, provider)) as KubeObject)).toBe(0);
      const recorder = recordWeights(stack.kube, ns, provider);
      await setImage(stack.kube, ns, 'podinfo:6.0.1');
      const done = await waitForPhase(stack.kube, ns, 'Succeeded', PHASE_TIMEOUT);
      recorder.stop();
      expect(recorder.weights.filter((w) => w > 0)).toEqual([10, 20]);
      expect(recorder.weights.at(-1)).toBe(0);
      expect(done.failedChecks).toBe(0);
      expect(await deploymentOf(stack.kube, ns, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.1' });
      expect(await deploymentOf(stack.kube, ns, 'podinfo')).toMatchObject({ replicas: 0 });
      // The checks passed on numbers Prometheus computed from this provider's series of the canary.
      const checks = ((await stack.kube.get({ apiVersion: 'pennant.dev/v1beta1', kind: 'Canary', namespace: ns, name: 'podinfo' }))?.status as { checks?: Check[] }).checks ?? [];
      expect(checks.find((c) => c.name === 'request-success-rate')).toMatchObject({ verdict: 'pass', value: 100 });
      const duration = checks.find((c) => c.name === 'request-duration');
      expect(duration?.verdict).toBe('pass');
      expect(duration?.value).toBeGreaterThan(25); // podinfo answers in 32–40 ms
      expect(duration?.value).toBeLessThan(60);
      expect(await stack.prometheus.queryValue(CANARY_SERIES[provider](ns))).toBeGreaterThan(0);
    },
  );

  it('nginx: a faulty canary is rolled back after `threshold` failed checks; the canary Ingress back at weight 0', async ({ expect }) => {
    const ns = await initialised('nginx', 'faulty');
    await setImage(stack.kube, ns, 'podinfo:6.0.2', { [ERROR_RATE_ANNOTATION]: '0.3' });
    const failed = await waitForPhase(stack.kube, ns, 'Failed', PHASE_TIMEOUT);
    expect(failed.failedChecks).toBe(2);
    const copy = await routingObject(ns, 'nginx');
    expect(copy?.metadata.annotations).toMatchObject({ 'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-weight': '0' });
    // The user's Ingress is untouched: still on the apex Service, which selects the primary.
    const user = await stack.kube.get({ ...INGRESS, namespace: ns, name: USER_INGRESS });
    expect(JSON.stringify(user?.spec)).toContain('"name":"podinfo"');
    expect(JSON.stringify(user?.spec)).not.toContain('podinfo-canary');
    expect(await deploymentOf(stack.kube, ns, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.0' });
    expect(await deploymentOf(stack.kube, ns, 'podinfo')).toMatchObject({ replicas: 0 });
    const checks = ((await stack.kube.get({ apiVersion: 'pennant.dev/v1beta1', kind: 'Canary', namespace: ns, name: 'podinfo' }))?.status as { checks: Check[] }).checks;
    const successRate = checks.find((c) => c.name === 'request-success-rate');
    expect(successRate?.verdict).toBe('fail');
    expect(successRate?.value).toBeGreaterThan(40); // 30% errors, on a few hundred requests
    expect(successRate?.value).toBeLessThan(95);
    expect((await canaryStatus(stack.kube, ns)).canaryWeight ?? 0).toBe(0);
  }, 240_000);
});
