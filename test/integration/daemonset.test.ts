import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ERROR_RATE_ANNOTATION } from '../../src/demo/traffic-annotations.js';
import { flaggerDaemonSet, flaggerDaemonSetCanary } from '../harness/flagger-daemonset.js';
import { DAEMONSET, setImage, startGate, waitForPhase } from '../scenarios/helpers.js';
import { RealStack } from './real-stack.js';

const NAME = 'podinfo-ds';
const INTERVAL = '5s';
const PHASE_TIMEOUT = 150_000;
const SCALED_TO_ZERO = { 'flagger.app/scale-to-zero': 'true' };

interface DaemonSetView {
  image: string | undefined;
  nodeSelector: Record<string, string> | undefined;
  desired: number | undefined;
  ready: number | undefined;
}

/**
 * Flagger's DaemonSet e2e Canary (test/kubernetes/test-daemonset.sh, apiVersion swapped) on real
 * parts: the API server's own DaemonSet controller schedules the pods to the KWOK nodes, real
 * Prometheus scrapes the traffic simulator, which serves the Services' ready pods; the loadtester's
 * gate and tests are a stand-in on 127.0.0.1 answering 200.
 */
describe('DaemonSet targets on the real control plane', () => {
  const stack = new RealStack(inject('kubeconfig'));
  let hooks: Awaited<ReturnType<typeof startGate>>;
  let n = 0;

  beforeAll(async () => {
    hooks = await startGate();
    hooks.open();
    await stack.start();
  }, 120_000);
  afterAll(async () => {
    await stack.stop();
    await hooks?.close();
  });

  const daemonSetOf = async (ns: string, name: string): Promise<DaemonSetView> => {
    const ds = await stack.kube.get({ ...DAEMONSET, namespace: ns, name });
    const template = (ds?.spec as { template: { spec: { nodeSelector?: Record<string, string>; containers: { image: string }[] } } } | undefined)?.template;
    const status = ds?.status as { desiredNumberScheduled?: number; numberReady?: number } | undefined;
    return { image: template?.spec.containers[0]?.image, nodeSelector: template?.spec.nodeSelector, desired: status?.desiredNumberScheduled, ready: status?.numberReady };
  };
  const nodes = async (): Promise<number> => (await stack.kube.list({ apiVersion: 'v1', kind: 'Node' })).length;

  /** A fresh namespace with Flagger's podinfo-ds initialised under its e2e Canary. */
  async function initialised(name: string): Promise<string> {
    const ns = `it-ds-${name}-${process.pid}-${n++}`;
    await stack.kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await stack.kube.create(flaggerDaemonSet(ns));
    await stack.simulator.addApps([{ namespace: ns, service: NAME, target: NAME, provider: 'kubernetes' }]);
    await stack.kube.create(flaggerDaemonSetCanary('kubernetes-daemonset-1.yaml', { namespace: ns, interval: INTERVAL, hookUrl: hooks.url }));
    await waitForPhase(stack.kube, ns, 'Initialized', PHASE_TIMEOUT, NAME);
    return ns;
  }

  it('initialises: the DaemonSet controller runs <name>-primary on every KWOK node; the target is scaled to zero', async () => {
    const ns = await initialised('init');
    const everyNode = await nodes();
    expect(everyNode).toBeGreaterThan(0);
    expect(await daemonSetOf(ns, `${NAME}-primary`)).toEqual({ image: 'stefanprodan/podinfo:3.1.0', nodeSelector: undefined, desired: everyNode, ready: everyNode });
    await expect.poll(() => daemonSetOf(ns, NAME), { timeout: 60_000 }).toMatchObject({ nodeSelector: SCALED_TO_ZERO, desired: 0 });
  }, 240_000);

  it('promotes a healthy release after its 5 iterations: the primary runs it on every node, the target is at zero again', async () => {
    const ns = await initialised('healthy');
    await setImage(stack.kube, ns, 'stefanprodan/podinfo:3.1.1', {}, NAME, DAEMONSET);
    const done = await waitForPhase(stack.kube, ns, 'Succeeded', PHASE_TIMEOUT, NAME);
    expect(done.failedChecks).toBe(0);
    const everyNode = await nodes();
    await expect.poll(() => daemonSetOf(ns, `${NAME}-primary`), { timeout: 60_000 }).toEqual({ image: 'stefanprodan/podinfo:3.1.1', nodeSelector: undefined, desired: everyNode, ready: everyNode });
    await expect.poll(() => daemonSetOf(ns, NAME), { timeout: 60_000 }).toMatchObject({ image: 'stefanprodan/podinfo:3.1.1', nodeSelector: SCALED_TO_ZERO, desired: 0 });
    // The checks measured the canary's own pods: real series for <target>-<5 characters>.
    const checks = ((await stack.kube.get({ apiVersion: 'pennant.dev/v1beta1', kind: 'Canary', namespace: ns, name: NAME }))?.status as { checks: { name: string; value: number; verdict: string }[] }).checks;
    expect(checks.find((c) => c.name === 'request-success-rate')).toMatchObject({ verdict: 'pass', value: 100 });
  }, 240_000);

  it('rolls back a faulty release: failed checks up to the threshold, the primary keeps the old image, the target at zero', async () => {
    const ns = await initialised('faulty');
    await setImage(stack.kube, ns, 'stefanprodan/podinfo:3.1.2', { [ERROR_RATE_ANNOTATION]: '0.3' }, NAME, DAEMONSET);
    const failed = await waitForPhase(stack.kube, ns, 'Failed', PHASE_TIMEOUT, NAME);
    expect(failed.failedChecks).toBe(10);
    expect(await daemonSetOf(ns, `${NAME}-primary`)).toMatchObject({ image: 'stefanprodan/podinfo:3.1.0' });
    await expect.poll(() => daemonSetOf(ns, NAME), { timeout: 60_000 }).toMatchObject({ nodeSelector: SCALED_TO_ZERO, desired: 0 });
    const checks = ((await stack.kube.get({ apiVersion: 'pennant.dev/v1beta1', kind: 'Canary', namespace: ns, name: NAME }))?.status as { checks: { name: string; value: number; verdict: string }[] }).checks;
    const successRate = checks.find((c) => c.name === 'request-success-rate');
    expect(successRate?.verdict).toBe('fail');
    expect(successRate?.value).toBeGreaterThan(55);
    expect(successRate?.value).toBeLessThan(85);
  }, 300_000);
});
