import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { podinfoCanary, podinfoDeployment } from '../../src/demo/manifests.js';
import type { KubeObject } from '../../src/kube/types.js';
import { canaryWeight, deploymentOf, setImage, waitForPhase } from '../scenarios/helpers.js';
import { HTTPROUTE_V1, RealStack } from './real-stack.js';

const INTERVAL = '5s';
const PHASE_TIMEOUT = 150_000;
const SERVICE = { apiVersion: 'v1', kind: 'Service' };
const POD = { apiVersion: 'v1', kind: 'Pod' };

/**
 * Traffic safety on real parts: the real Deployment controller and KWOK pods, the traffic simulator
 * sending requests where the Services and routes say, counting every request that finds no ready pod.
 */
describe('traffic safety on the real control plane', () => {
  const stack = new RealStack(inject('kubeconfig'));
  let n = 0;

  beforeAll(async () => {
    await stack.start();
  }, 120_000);
  afterAll(async () => {
    await stack.stop();
  });

  const namespace = async (name: string): Promise<string> => {
    const ns = `it-${name}-${process.pid}-${n++}`;
    await stack.kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    return ns;
  };
  const lost = (ns: string): number => stack.simulator.stats().unserved[`${ns}/podinfo`] ?? 0;
  const served = (ns: string, workload: string): number => stack.simulator.stats().workloads[`${ns}/${workload}`]?.requests ?? 0;

  it('kubernetes provider with the user\'s own apex Service (as in Flagger\'s e2e): no request ever reaches a workload without ready pods', async () => {
    const ns = await namespace('apex');
    await stack.kube.create(podinfoDeployment(ns, { image: 'podinfo:6.0.0' }));
    // The Service the user had before Pennant: it selects the app's pods, and clients use it.
    await stack.kube.create({
      ...SERVICE,
      metadata: { name: 'podinfo', namespace: ns, labels: { team: 'web' } },
      spec: { selector: { app: 'podinfo' }, ports: [{ name: 'http', port: 9898, targetPort: 'http' }] },
    });
    await stack.simulator.addApps([{ namespace: ns, service: 'podinfo', target: 'podinfo', provider: 'kubernetes' }]);
    await expect.poll(() => served(ns, 'podinfo'), { timeout: 60_000 }).toBeGreaterThan(50);
    const lostBefore = lost(ns); // while the app's own pods were starting, before any Canary

    await stack.kube.create(podinfoCanary({ namespace: ns, interval: INTERVAL, provider: 'kubernetes', iterations: 2, threshold: 3 }));
    await waitForPhase(stack.kube, ns, 'Initialized', PHASE_TIMEOUT);
    const apex = await stack.kube.get({ ...SERVICE, namespace: ns, name: 'podinfo' });
    expect((apex?.spec as { selector: Record<string, string> }).selector).toEqual({ app: 'podinfo-primary' });
    expect((apex?.metadata as { ownerReferences?: unknown[] }).ownerReferences ?? []).toEqual([]);
    expect(apex?.metadata.labels).toEqual(expect.objectContaining({ team: 'web' }));
    expect(await deploymentOf(stack.kube, ns, 'podinfo')).toMatchObject({ replicas: 0 });
    const primaryBefore = served(ns, 'podinfo-primary');
    await expect.poll(() => served(ns, 'podinfo-primary'), { timeout: 30_000 }).toBeGreaterThan(primaryBefore + 20);

    await setImage(stack.kube, ns, 'podinfo:6.0.1');
    await waitForPhase(stack.kube, ns, 'Succeeded', PHASE_TIMEOUT);
    expect(await deploymentOf(stack.kube, ns, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.1' });
    const afterPromotion = served(ns, 'podinfo-primary');
    await expect.poll(() => served(ns, 'podinfo-primary'), { timeout: 30_000 }).toBeGreaterThan(afterPromotion + 20);
    expect(lost(ns) - lostBefore, 'requests sent to a workload with no ready pods').toBe(0);
  }, 300_000);

  it('a template pushed while users are served by the canary reaches no pod until traffic has left it', async () => {
    const ns = await namespace('held');
    await stack.kube.create(podinfoDeployment(ns, { image: 'podinfo:6.0.0' }));
    await stack.simulator.addApps([{ namespace: ns, service: 'podinfo', target: 'podinfo', provider: 'gatewayapi:v1' }]);
    await stack.kube.create(podinfoCanary({ namespace: ns, interval: INTERVAL, provider: 'gatewayapi:v1', gatewayRefs: [{ name: 'public', namespace: 'gateways' }], threshold: 3 }));
    await waitForPhase(stack.kube, ns, 'Initialized', PHASE_TIMEOUT);
    await setImage(stack.kube, ns, 'podinfo:6.0.1');
    await expect.poll(async () => canaryWeightOf(await stack.kube.get({ ...HTTPROUTE_V1, namespace: ns, name: 'podinfo' })), { timeout: PHASE_TIMEOUT }).toBeGreaterThanOrEqual(20);
    const target = await stack.kube.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'podinfo' });
    expect((target?.spec as { paused?: boolean }).paused, 'the canary is paused while it serves users').toBe(true);

    // Record, in the API server's order, when the route stops sending users to the canary and when
    // the first pod of the new template appears.
    const order = await recordOrder(stack, ns);
    await setImage(stack.kube, ns, 'podinfo:6.0.3');
    await waitForPhase(stack.kube, ns, 'Succeeded', PHASE_TIMEOUT);
    order.stop();
    const routedAway = order.events.find((e) => e.kind === 'route' && e.canaryWeight === 0);
    const firstNewPod = order.events.find((e) => e.kind === 'pod' && e.image === 'podinfo:6.0.3');
    expect(routedAway, 'the route went back to the primary').toBeDefined();
    expect(firstNewPod, 'the new template rolled out').toBeDefined();
    expect(Number(firstNewPod?.resourceVersion), 'first new pod after the route left the canary').toBeGreaterThan(Number(routedAway?.resourceVersion));
    expect(await deploymentOf(stack.kube, ns, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.3' });
  }, 300_000);
});

function canaryWeightOf(route: KubeObject | null): number {
  return route ? (canaryWeight(route) ?? 0) : 0;
}

interface Seen { kind: 'route' | 'pod'; resourceVersion: string; canaryWeight?: number; image?: string }

/** Route weight changes and new canary pods, as their informers deliver them (resourceVersions are etcd's order). */
async function recordOrder(stack: RealStack, ns: string): Promise<{ events: Seen[]; stop: () => void }> {
  const events: Seen[] = [];
  const routes = stack.kube.informer(HTTPROUTE_V1, { namespace: ns });
  const pods = stack.kube.informer(POD, { namespace: ns });
  await Promise.all([routes.start(), pods.start()]);
  const offRoutes = routes.onChange((_type, obj) => {
    events.push({ kind: 'route', resourceVersion: obj.metadata.resourceVersion ?? '0', canaryWeight: canaryWeightOf(obj) });
  });
  const offPods = pods.onChange((type, obj) => {
    if (type !== 'ADDED' || !obj.metadata.name?.startsWith('podinfo-') || obj.metadata.name.startsWith('podinfo-primary-')) return;
    const image = (obj.spec as { containers?: { image?: string }[] } | undefined)?.containers?.[0]?.image;
    events.push({ kind: 'pod', resourceVersion: obj.metadata.resourceVersion ?? '0', ...(image ? { image } : {}) });
  });
  return {
    events,
    stop: () => {
      offRoutes();
      offPods();
      routes.stop();
      pods.stop();
    },
  };
}
