import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { podinfoCanary, podinfoDeployment } from '../../src/demo/manifests.js';
import { behaviourOf, ERROR_RATE_ANNOTATION } from '../../src/demo/traffic-annotations.js';
import type { KubeClient } from '../../src/kube/index.js';
import { type GraphiteServer, startGraphite } from '../harness/graphite.js';
import { canaryStatus, DEPLOYMENT, deploymentOf, recordWeights, setImage, waitForPhase } from '../scenarios/helpers.js';
import { docsTemplate, GRAPHITE_DOCS_TEMPLATE, quoteInterval } from './metric-templates.js';
import { RealStack } from './real-stack.js';

const gatewayRefs = [{ name: 'public', namespace: 'gateways' }];
const PHASE_TIMEOUT = 150_000;
const REQUESTS_PER_SECOND = 100;

type PodTemplated = { template: { metadata?: { annotations?: Record<string, string> } } };

/**
 * What a Spring app's statsd reporter would send for the canary workload: each second, the
 * requests of the target Deployment's current pod template by outcome, its error rate taken from
 * the template's sim.pennant.dev/error-rate annotation (as the traffic simulator does for Prometheus).
 */
function reportToGraphite(kube: KubeClient, graphite: GraphiteServer, namespace: string, target: string): () => void {
  let stopped = false;
  const series = (outcome: string, status: number) =>
    `stats.timers.httpServerRequests.app.${target}.exception.None.method.GET.outcome.${outcome}.status.${status}.uri.root.count`;
  const tick = async (): Promise<void> => {
    const deployment = await kube.get({ ...DEPLOYMENT, namespace, name: target });
    const { errorRate } = behaviourOf((deployment?.spec as PodTemplated | undefined)?.template.metadata?.annotations);
    const errors = Math.round(REQUESTS_PER_SECOND * errorRate);
    await graphite.write([{ path: series('SUCCESS', 200), value: REQUESTS_PER_SECOND - errors }, { path: series('SERVER_ERROR', 500), value: errors }]);
  };
  const loop = async (): Promise<void> => {
    while (!stopped) {
      await tick().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  };
  void loop();
  return () => {
    stopped = true;
  };
}

/**
 * A Canary judged only by Flagger's docs Graphite template (success rate, interval quoted) on the
 * real control plane: promoted while the app reports no errors, rolled back once it reports 30%.
 */
describe('a Canary judged by a graphite MetricTemplate on the real control plane', () => {
  const stack = new RealStack(inject('kubeconfig'));
  let graphite: GraphiteServer;
  const reporters: (() => void)[] = [];
  let n = 0;

  beforeAll(async () => {
    graphite = await startGraphite();
    await stack.start();
  }, 120_000);
  afterAll(async () => {
    for (const stop of reporters) stop();
    await stack.stop();
    await graphite?.stop();
  });

  /** A fresh namespace with `target` 6.0.0 initialised under a Canary whose only check is the graphite template. */
  async function initialised(target: string): Promise<string> {
    const ns = `it-graphite-${target}-${process.pid}-${n++}`;
    await stack.kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const template = docsTemplate(GRAPHITE_DOCS_TEMPLATE, ns, graphite.url, quoteInterval);
    await stack.kube.create({ ...template, metadata: { name: template.metadata.name, namespace: ns } });
    await stack.kube.create(podinfoDeployment(ns, { image: 'podinfo:6.0.0' }, target));
    await stack.simulator.addApps([{ namespace: ns, service: target, target, provider: 'gatewayapi:v1' }]);
    reporters.push(reportToGraphite(stack.kube, graphite, ns, target));
    const canary = podinfoCanary({ namespace: ns, name: target, interval: '5s', provider: 'gatewayapi:v1', gatewayRefs, threshold: 2 });
    const spec = canary.spec as { analysis: Record<string, unknown> };
    spec.analysis.metrics = [{ name: 'graphite-success-rate', templateRef: { name: template.metadata.name }, thresholdRange: { min: 99 }, interval: '60s' }];
    await stack.kube.create(canary);
    await waitForPhase(stack.kube, ns, 'Initialized', PHASE_TIMEOUT, target);
    return ns;
  }

  const graphiteCheck = async (ns: string, name: string) => {
    const status = (await stack.kube.get({ apiVersion: 'pennant.dev/v1beta1', kind: 'Canary', namespace: ns, name }))?.status as { checks?: { name: string; value: number | null; verdict: string }[] };
    return status.checks?.find((c) => c.name === 'graphite-success-rate');
  };

  it('healthy: the success rate Graphite renders is 100 at every step → promoted', async () => {
    const ns = await initialised('healthy');
    const recorder = recordWeights(stack.kube, ns);
    await setImage(stack.kube, ns, 'podinfo:6.0.1', {}, 'healthy');
    const done = await waitForPhase(stack.kube, ns, 'Succeeded', PHASE_TIMEOUT, 'healthy');
    recorder.stop();
    expect(recorder.weights).toEqual([10, 20, 30, 40, 50, 0]);
    expect(done.failedChecks).toBe(0);
    expect(await graphiteCheck(ns, 'healthy')).toMatchObject({ verdict: 'pass', value: 100 });
    expect(await deploymentOf(stack.kube, ns, 'healthy-primary')).toMatchObject({ image: 'podinfo:6.0.1' });
  }, 240_000);

  it('faulty: 30% errors reported to Graphite → rolled back after threshold, the primary keeps 6.0.0', async () => {
    const ns = await initialised('faulty');
    await setImage(stack.kube, ns, 'podinfo:6.0.2', { [ERROR_RATE_ANNOTATION]: '0.3' }, 'faulty');
    const failed = await waitForPhase(stack.kube, ns, 'Failed', PHASE_TIMEOUT, 'faulty');
    expect(failed.failedChecks).toBe(2);
    expect(await deploymentOf(stack.kube, ns, 'faulty-primary')).toMatchObject({ image: 'podinfo:6.0.0' });
    const check = await graphiteCheck(ns, 'faulty');
    expect(check?.verdict).toBe('fail');
    // The minute's average of per-second success rates: between the healthy 100 and the faulty 70.
    expect(check?.value).toBeGreaterThanOrEqual(70);
    expect(check?.value).toBeLessThan(99);
    expect((await canaryStatus(stack.kube, ns, 'faulty')).phase).toBe('Failed');
  }, 240_000);
});
