import { afterEach, describe, expect, it } from 'vitest';
import type { CanaryWebhook } from '../../src/api/index.js';
import { main } from '../../src/cli/main.js';
import { InMemoryStack } from '../../src/demo/in-memory-stack.js';
import { podinfoCanary, podinfoDeployment } from '../../src/demo/manifests.js';
import type { HookResult } from '../../src/engine/index.js';
import type { WebhookPayload } from '../../src/webhooks/index.js';
import { canaryStatus, deploymentOf, recordWeights, setImage, waitForPhase } from './helpers.js';

const NS = 'test';
const gatewayRefs = [{ name: 'public', namespace: 'gateways' }];

/**
 * `pennant promote | abort | pause | resume | retry` as a person types them, against the real
 * controller and engine on the in-memory cluster: the request goes through the annotation, the
 * controller answers it at its next reconcile, the CLI prints the answer.
 */
describe('operating a rollout with the CLI (in-memory cluster)', () => {
  let stack: InMemoryStack;
  /** While false, the rollout webhook fails: a flaky dependency, not a bad revision. */
  let loadTestPasses = true;
  afterEach(async () => {
    await stack.stop();
  });

  async function start(extra: Partial<Parameters<typeof podinfoCanary>[0]> = {}): Promise<void> {
    const callHook = async (hook: CanaryWebhook, _payload: WebhookPayload): Promise<HookResult> =>
      ({ name: hook.name, type: 'rollout', ok: loadTestPasses, status: loadTestPasses ? 200 : 503, ...(loadTestPasses ? {} : { message: 'load tester unavailable' }) });
    stack = new InMemoryStack({ callHook });
    await stack.start();
    await stack.kube.create(podinfoDeployment(NS, { image: 'podinfo:6.0.0' }));
    await stack.kube.create(podinfoCanary({ namespace: NS, interval: '1s', provider: 'gatewayapi:v1', gatewayRefs, ...extra }));
    await waitForPhase(stack.kube, NS, 'Initialized');
  }

  async function pennant(...args: string[]): Promise<{ code: number; out: string }> {
    let out = '';
    const write = (text: string) => void (out += text);
    const code = await main(['node', 'pennant', ...args, 'podinfo', '-n', NS], { stdout: write, stderr: write, connect: () => ({ kube: stack.kube }), user: 'alice' });
    return { code, out };
  }

  it('promote skips the remaining steps: promoted from weight 20 of 50', async () => {
    await start();
    const weights = recordWeights(stack.kube, NS);
    await setImage(stack.kube, NS, 'podinfo:6.0.1');
    await expect.poll(() => weights.weights).toContain(20);
    const { code, out } = await pennant('promote');
    expect(out).toMatch(/^promote test\/podinfo: remaining steps skipped at weight [23]0: promoting\n$/);
    expect(code).toBe(0);
    await waitForPhase(stack.kube, NS, 'Succeeded');
    weights.stop();
    expect(weights.weights).not.toContain(50);
    expect(await deploymentOf(stack.kube, NS, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.1' });
  }, 120_000);

  it('abort rolls back now, "aborted by" who asked', async () => {
    await start();
    await setImage(stack.kube, NS, 'podinfo:6.0.1');
    await expect.poll(async () => (await canaryStatus(stack.kube, NS)).canaryWeight).toBeGreaterThan(0);
    const { code, out } = await pennant('abort');
    expect(out).toMatch(/^abort test\/podinfo: rolled back at weight \d+: aborted by alice\n$/);
    expect(code).toBe(0);
    const failed = await waitForPhase(stack.kube, NS, 'Failed');
    expect(failed.conditions?.find((c) => c.type === 'Promoted')?.message).toBe('aborted by alice');
    expect(await deploymentOf(stack.kube, NS, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.0' });
    expect(await deploymentOf(stack.kube, NS, 'podinfo')).toMatchObject({ replicas: 0 });
  }, 120_000);

  it('pause holds the weight (no checks, no steps) until resume; then the rollout goes on to the end', async () => {
    await start();
    await setImage(stack.kube, NS, 'podinfo:6.0.1');
    await expect.poll(async () => (await canaryStatus(stack.kube, NS)).canaryWeight).toBe(20);
    expect((await pennant('pause')).code).toBe(0);
    const held = await canaryStatus(stack.kube, NS);
    // Three intervals of 1s go by.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const later = await canaryStatus(stack.kube, NS);
    expect(later.canaryWeight).toBe(held.canaryWeight);
    expect(later.lastStepTime).toBe(held.lastStepTime);
    expect(later.checks?.[0]?.time).toBe(held.checks?.[0]?.time);
    expect(later.conditions?.find((c) => c.type === 'Paused')?.status).toBe('True');
    const again = await pennant('pause');
    expect(again.out).toContain('refused: podinfo.test is already paused');
    expect(again.code).toBe(1);
    expect((await pennant('resume')).out).toMatch(/resume test\/podinfo: the analysis goes on from weight \d+/);
    await waitForPhase(stack.kube, NS, 'Succeeded');
    expect((await canaryStatus(stack.kube, NS)).conditions?.find((c) => c.type === 'Paused')).toMatchObject({ status: 'False' });
  }, 120_000);

  it('retry analyses a Failed revision again: failed on a flaky load tester, then promoted', async () => {
    loadTestPasses = false;
    await start({ webhooks: [{ name: 'load-test', url: 'http://loadtester.test/' }], threshold: 1 });
    await setImage(stack.kube, NS, 'podinfo:6.0.1');
    await waitForPhase(stack.kube, NS, 'Failed');
    const promote = await pennant('promote');
    expect(promote.out).toContain('refused: podinfo.test was rolled back: pennant retry analyses the revision again');
    loadTestPasses = true;
    const { code, out } = await pennant('retry');
    expect(out).toMatch(/^retry test\/podinfo: analysing revision \w+ again\n$/);
    expect(code).toBe(0);
    await waitForPhase(stack.kube, NS, 'Succeeded');
    expect(await deploymentOf(stack.kube, NS, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.1' });
  }, 120_000);
});
