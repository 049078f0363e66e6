import { appendFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CanaryStatus } from '../../src/api/index.js';
import { main } from '../../src/cli/main.js';
import { podinfoCanary, podinfoDeployment } from '../../src/demo/manifests.js';
import { GITOPS_FIELD_MANAGER } from '../../src/gitops/apply.js';
import { readRequest } from '../../src/operate/requests.js';
import { canaryStatus, deploymentOf, recordWeights, setImage, startGate, waitForPhase } from '../scenarios/helpers.js';
import { RealStack } from './real-stack.js';

const gatewayRefs = [{ name: 'public', namespace: 'gateways' }];
const INTERVAL_S = 5;
const PHASE_TIMEOUT = 150_000;
const CANARY = { apiVersion: 'pennant.dev/v1beta1', kind: 'Canary' };

/**
 * `pennant promote | abort | pause | resume | retry | status` as a person runs them against the real
 * control plane, with Pennant's controller running: the request is written through the API server
 * (the CLI's own RealKube from the kubeconfig), answered by the controller, and the rollout does
 * what was asked. Every command and its output is kept in `cli-transcript.txt` next to the
 * controller's log.
 */
describe('operating a rollout with the CLI on the real control plane', () => {
  const kubeconfig = inject('kubeconfig');
  const stack = new RealStack(kubeconfig);
  const transcript = join(dirname(stack.logFile), 'cli-transcript.txt');
  let n = 0;

  beforeAll(async () => {
    await stack.start();
  }, 120_000);
  afterAll(async () => {
    await stack.stop();
    process.stderr.write(`operate: CLI transcript in ${transcript}\n`);
  });

  async function initialised(name: string, extra: Partial<Parameters<typeof podinfoCanary>[0]> = {}): Promise<string> {
    const ns = `it-op-${name}-${process.pid}-${n++}`;
    await stack.kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await stack.kube.create(podinfoDeployment(ns, { image: 'podinfo:6.0.0' }));
    await stack.simulator.addApps([{ namespace: ns, service: 'podinfo', target: 'podinfo', provider: 'gatewayapi:v1' }]);
    await stack.kube.create(canaryOf(ns, extra));
    await waitForPhase(stack.kube, ns, 'Initialized', PHASE_TIMEOUT);
    return ns;
  }

  const canaryOf = (ns: string, extra: Partial<Parameters<typeof podinfoCanary>[0]> = {}) =>
    podinfoCanary({ namespace: ns, interval: `${INTERVAL_S}s`, provider: 'gatewayapi:v1', gatewayRefs, threshold: 3, ...extra });

  async function pennant(ns: string, ...args: string[]): Promise<{ code: number; out: string }> {
    let out = '';
    const write = (text: string) => void (out += text);
    const code = await main(['node', 'pennant', ...args, '-n', ns, '--kubeconfig', kubeconfig], { stdout: write, stderr: write, user: 'alice' });
    appendFileSync(transcript, `$ pennant ${args.join(' ')} -n ${ns}\n${out}(exit ${code})\n\n`);
    return { code, out };
  }

  const weightOf = async (ns: string): Promise<number> => (await canaryStatus(stack.kube, ns)).canaryWeight ?? 0;

  it('promote skips the remaining steps: promoted long before weight 50', async () => {
    const ns = await initialised('promote');
    const weights = recordWeights(stack.kube, ns);
    await setImage(stack.kube, ns, 'podinfo:6.0.1');
    await expect.poll(() => weightOf(ns), { timeout: PHASE_TIMEOUT, interval: 200 }).toBeGreaterThanOrEqual(10);
    await pennant(ns, 'status', 'podinfo');
    const { code, out } = await pennant(ns, 'promote', 'podinfo');
    expect(out).toMatch(/^promote .*: remaining steps skipped at weight [123]0: promoting\n$/);
    expect(code).toBe(0);
    await waitForPhase(stack.kube, ns, 'Succeeded', PHASE_TIMEOUT);
    weights.stop();
    expect(weights.weights).not.toContain(50);
    expect(weights.weights.at(-1)).toBe(0);
    expect(await deploymentOf(stack.kube, ns, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.1' });
    const again = await pennant(ns, 'promote', 'podinfo');
    expect(again.out).toContain('refused: no rollout of podinfo.');
    expect(again.code).toBe(1);
    await pennant(ns, 'status');
  }, 300_000);

  it('abort rolls back now: all traffic on the primary, the canary at zero, "aborted by alice"', async () => {
    const ns = await initialised('abort');
    await setImage(stack.kube, ns, 'podinfo:6.0.1');
    await expect.poll(() => weightOf(ns), { timeout: PHASE_TIMEOUT, interval: 200 }).toBeGreaterThanOrEqual(10);
    const { code, out } = await pennant(ns, 'abort', 'podinfo');
    expect(out).toMatch(/: rolled back at weight \d+: aborted by alice\n$/);
    expect(code).toBe(0);
    const failed = await waitForPhase(stack.kube, ns, 'Failed', PHASE_TIMEOUT);
    expect(failed.conditions?.find((c) => c.type === 'Promoted')?.message).toBe('aborted by alice');
    await expect.poll(async () => (await deploymentOf(stack.kube, ns, 'podinfo')).replicas, { timeout: 60_000 }).toBe(0);
    expect(await deploymentOf(stack.kube, ns, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.0' });
    expect(await weightOf(ns)).toBe(0);
    const events = await stack.kube.list({ apiVersion: 'v1', kind: 'Event' }, { namespace: ns });
    expect(events.map((e) => (e as { reason?: string }).reason)).toEqual(expect.arrayContaining(['RolledBack', 'RequestDone']));
    await pennant(ns, 'status', 'podinfo');
  }, 300_000);

  it('pause holds the weight across intervals (a GitOps sync does not undo it); resume goes on to the promotion', async () => {
    const ns = await initialised('pause');
    await setImage(stack.kube, ns, 'podinfo:6.0.1');
    await expect.poll(() => weightOf(ns), { timeout: PHASE_TIMEOUT, interval: 200 }).toBeGreaterThanOrEqual(10);
    const paused = await pennant(ns, 'pause', 'podinfo');
    expect(paused.out).toMatch(/: held at weight \d+ until pennant resume\n$/);
    const held = await canaryStatus(stack.kube, ns);
    // A GitOps sync of the Canary's manifest (which declares no request) as its field manager:
    const ref = { ...CANARY, namespace: ns, name: 'podinfo' };
    await stack.kube.apply(canaryOf(ns, { threshold: 4 }), { fieldManager: GITOPS_FIELD_MANAGER, force: true });
    expect(readRequest((await stack.kube.get(ref))?.metadata.annotations)).toMatchObject({ kind: 'request', request: { verb: 'pause' } });
    await new Promise((resolve) => setTimeout(resolve, 2.5 * INTERVAL_S * 1000));
    const later: CanaryStatus = await canaryStatus(stack.kube, ns);
    expect(later.canaryWeight).toBe(held.canaryWeight);
    expect(later.lastStepTime).toBe(held.lastStepTime);
    expect(later.conditions?.find((c) => c.type === 'Paused')).toMatchObject({ status: 'True', reason: 'PausedByRequest' });
    await pennant(ns, 'status', 'podinfo');
    const resumed = await pennant(ns, 'resume', 'podinfo');
    expect(resumed.out).toMatch(/: the analysis goes on from weight \d+\n$/);
    expect(resumed.code).toBe(0);
    await expect.poll(() => weightOf(ns), { timeout: PHASE_TIMEOUT, interval: 200 }).toBeGreaterThan(held.canaryWeight ?? 0);
    await waitForPhase(stack.kube, ns, 'Succeeded', PHASE_TIMEOUT);
    expect(await deploymentOf(stack.kube, ns, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.1' });
  }, 300_000);

  it('retry restarts a Failed revision (failed on a flaky load tester) and it is promoted', async () => {
    const loadTester = await startGate();
    try {
      const ns = await initialised('retry', { threshold: 1, webhooks: [{ name: 'load-test', url: loadTester.url }] });
      await setImage(stack.kube, ns, 'podinfo:6.0.1');
      const failed = await waitForPhase(stack.kube, ns, 'Failed', PHASE_TIMEOUT);
      expect(failed.checks?.find((c) => c.name === 'load-test')).toMatchObject({ verdict: 'fail' });
      await pennant(ns, 'status', 'podinfo');
      loadTester.open();
      const { code, out } = await pennant(ns, 'retry', 'podinfo');
      expect(out).toMatch(/: analysing revision \w+ again\n$/);
      expect(code).toBe(0);
      await waitForPhase(stack.kube, ns, 'Succeeded', PHASE_TIMEOUT);
      expect(await deploymentOf(stack.kube, ns, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.1' });
    } finally {
      await loadTester.close();
    }
  }, 300_000);
});
