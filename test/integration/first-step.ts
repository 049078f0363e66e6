import { podinfoCanary, podinfoDeployment } from '../../src/demo/manifests.js';
import { waitUntil } from '../harness/wait.js';
import { recordWeights, setImage, waitForPhase } from '../scenarios/helpers.js';
import type { RealStack } from './real-stack.js';

const PHASE_TIMEOUT = 150_000;

/**
 * A healthy release caught mid-analysis, for faults to strike: podinfo under a Canary (Gateway API,
 * 5 s interval, threshold 2) in a new namespace, initialised, then a new image; resolves once the
 * canary has its first 10 % of the traffic, with the recorder of every weight the route takes.
 */
export async function releaseAtFirstStep(stack: RealStack, ns: string): Promise<ReturnType<typeof recordWeights>> {
  await stack.kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await stack.kube.create(podinfoDeployment(ns, { image: 'podinfo:6.0.0' }));
  await stack.simulator.addApps([{ namespace: ns, service: 'podinfo', target: 'podinfo', provider: 'gatewayapi:v1' }]);
  await stack.kube.create(podinfoCanary({ namespace: ns, interval: '5s', provider: 'gatewayapi:v1', gatewayRefs: [{ name: 'public', namespace: 'gateways' }], threshold: 2 }));
  await waitForPhase(stack.kube, ns, 'Initialized', PHASE_TIMEOUT);
  const recorder = recordWeights(stack.kube, ns);
  await setImage(stack.kube, ns, 'podinfo:6.0.1');
  await waitUntil(() => recorder.weights.includes(10), { timeoutMs: 60_000, what: 'the canary weight to reach 10' });
  return recorder;
}
