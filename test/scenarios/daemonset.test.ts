import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CanaryWebhook } from '../../src/api/index.js';
import { FAKE_NODES } from '../../src/demo/fake-daemonset-controller.js';
import { InMemoryStack } from '../../src/demo/in-memory-stack.js';
import { ERROR_RATE_ANNOTATION } from '../../src/demo/traffic-annotations.js';
import type { HookResult } from '../../src/engine/index.js';
import type { KubeClient } from '../../src/kube/types.js';
import type { WebhookPayload } from '../../src/webhooks/index.js';
import { flaggerDaemonSet, flaggerDaemonSetCanary, type DaemonSetCanaryFile } from '../harness/flagger-daemonset.js';
import { CANARY, DAEMONSET, setImage, waitForPhase } from './helpers.js';

const NS = 'test';
const NAME = 'podinfo-ds';
const SCALED_TO_ZERO = { 'flagger.app/scale-to-zero': 'true' };

/** What a DaemonSet's pods run, and on how many nodes it would schedule them. */
async function daemonSetOf(kube: KubeClient, name: string) {
  const ds = await kube.get({ ...DAEMONSET, namespace: NS, name });
  const template = (ds?.spec as { template: { spec: { nodeSelector?: Record<string, string>; containers: { image: string }[] } } } | undefined)?.template;
  return { image: template?.spec.containers[0]?.image, nodeSelector: template?.spec.nodeSelector, desired: (ds?.status as { desiredNumberScheduled?: number } | undefined)?.desiredNumberScheduled };
}

/**
 * Flagger's e2e DaemonSet Canaries (test/kubernetes/test-daemonset.sh, apiVersion swapped) on the
 * in-memory stack: blue/green with the kubernetes provider, 5 iterations, the loadtester's gate and
 * tests answered by a stand-in.
 */
describe('Flagger\'s DaemonSet e2e Canaries (in-memory cluster)', () => {
  let stack: InMemoryStack;
  const hooks: string[] = [];

  beforeEach(async () => {
    hooks.length = 0;
    const callHook = async (hook: CanaryWebhook, _payload: WebhookPayload): Promise<HookResult> => {
      hooks.push(hook.name);
      return { name: hook.name, type: hook.type || 'rollout', ok: true, status: 200 };
    };
    stack = new InMemoryStack({ callHook });
    await stack.start();
  });
  afterEach(async () => {
    await stack.stop();
  });

  async function initialised(file: DaemonSetCanaryFile): Promise<void> {
    await stack.kube.create(flaggerDaemonSet(NS));
    await stack.kube.create(flaggerDaemonSetCanary(file, { namespace: NS, interval: '1s', hookUrl: 'http://loadtester.test/' }));
    await waitForPhase(stack.kube, NS, 'Initialized', 60_000, NAME);
  }

  it('initialises: <name>-primary runs on every node, the target is scaled to zero, the Services select by app.kubernetes.io/name', async () => {
    await initialised('kubernetes-daemonset-1.yaml');
    expect(await daemonSetOf(stack.kube, `${NAME}-primary`)).toEqual({ image: 'stefanprodan/podinfo:3.1.0', nodeSelector: undefined, desired: FAKE_NODES });
    await expect.poll(() => daemonSetOf(stack.kube, NAME)).toMatchObject({ nodeSelector: SCALED_TO_ZERO, desired: 0 });
    const selector = async (name: string) => ((await stack.kube.get({ apiVersion: 'v1', kind: 'Service', namespace: NS, name }))?.spec as { selector: Record<string, string> }).selector;
    expect(await selector(NAME)).toEqual({ 'app.kubernetes.io/name': `${NAME}-primary` });
    expect(await selector(`${NAME}-canary`)).toEqual({ 'app.kubernetes.io/name': NAME });
  }, 120_000);

  it('promotes a healthy release after its 5 iterations; the target goes back to zero', async () => {
    await initialised('kubernetes-daemonset-1.yaml');
    await setImage(stack.kube, NS, 'stefanprodan/podinfo:3.1.1', {}, NAME, DAEMONSET);
    const done = await waitForPhase(stack.kube, NS, 'Succeeded', 60_000, NAME);
    expect(done.failedChecks).toBe(0);
    expect(await daemonSetOf(stack.kube, `${NAME}-primary`)).toMatchObject({ image: 'stefanprodan/podinfo:3.1.1', nodeSelector: undefined });
    await expect.poll(() => daemonSetOf(stack.kube, NAME)).toMatchObject({ image: 'stefanprodan/podinfo:3.1.1', nodeSelector: SCALED_TO_ZERO });
    expect(hooks).toEqual(expect.arrayContaining(['gate', 'acceptance-test', 'load-test']));
    // The builtin checks asked for the DaemonSet's own pods, never the primary's.
    expect(stack.prometheusQueries.some((q) => q.includes(`kubernetes_pod_name=~"${NAME}-[0-9a-z]{5}"`))).toBe(true);
  }, 120_000);

  it('rolls back a faulty release: the primary keeps the old image, the target is scaled to zero', async () => {
    await initialised('kubernetes-daemonset-1.yaml');
    await setImage(stack.kube, NS, 'stefanprodan/podinfo:3.1.2', { [ERROR_RATE_ANNOTATION]: '0.3' }, NAME, DAEMONSET);
    const failed = await waitForPhase(stack.kube, NS, 'Failed', 60_000, NAME);
    expect(failed.failedChecks).toBe(10);
    expect(await daemonSetOf(stack.kube, `${NAME}-primary`)).toMatchObject({ image: 'stefanprodan/podinfo:3.1.0' });
    await expect.poll(() => daemonSetOf(stack.kube, NAME)).toMatchObject({ nodeSelector: SCALED_TO_ZERO, desired: 0 });
  }, 120_000);

  it('revertOnDeletion (the 2nd manifest): deleting the Canary hands back the target on every node', async () => {
    await initialised('kubernetes-daemonset-2.yaml');
    await stack.kube.delete({ ...CANARY, namespace: NS, name: NAME });
    await expect.poll(() => stack.kube.get({ ...CANARY, namespace: NS, name: NAME }), { timeout: 30_000 }).toBeNull();
    expect(await daemonSetOf(stack.kube, NAME)).toMatchObject({ nodeSelector: {}, desired: FAKE_NODES });
  }, 120_000);
});
