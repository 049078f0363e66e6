import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MetricTemplate } from '../../src/api/index.js';
import { podinfoCanary, podinfoDeployment } from '../../src/demo/manifests.js';
import { behaviourOf, ERROR_RATE_ANNOTATION } from '../../src/demo/traffic-annotations.js';
import type { KubeClient, KubeObject } from '../../src/kube/index.js';
import { startGraphite } from '../harness/graphite.js';
import { startInfluxdb } from '../harness/influxdb.js';
import { canaryStatus, DEPLOYMENT, deploymentOf, recordWeights, setImage, waitForPhase } from '../scenarios/helpers.js';
import { docsTemplate, GRAPHITE_DOCS_TEMPLATE, quoteInterval } from './metric-templates.js';
import { RealStack } from './real-stack.js';

const gatewayRefs = [{ name: 'public', namespace: 'gateways' }];
const PHASE_TIMEOUT = 150_000;
const REQUESTS_PER_SECOND = 100;
const CHECK = 'success-rate';

/** A real metric server, and how the app of one namespace reports its requests to it. */
interface Backend {
  /** The MetricTemplate (and the Secret it names, if any) the Canary's check uses in `namespace`. */
  objects(namespace: string): KubeObject[];
  templateName: string;
  /** The check's interval, in a form the backend's query language takes. */
  interval: string;
  /** One second of `target`'s requests: `errors` of REQUESTS_PER_SECOND failed. */
  report(namespace: string, target: string, errors: number): Promise<void>;
  stop(): Promise<void>;
}

type PodTemplated = { template: { metadata?: { annotations?: Record<string, string> } } };

/**
 * What the canary workload's metrics reporter would send: each second, its requests by outcome,
 * the error rate taken from the target Deployment's current pod template (sim.pennant.dev/error-rate,
 * as the traffic simulator does for Prometheus).
 */
function reportEverySecond(kube: KubeClient, backend: Backend, namespace: string, target: string): () => void {
  let stopped = false;
  const tick = async (): Promise<void> => {
    const deployment = await kube.get({ ...DEPLOYMENT, namespace, name: target });
    const { errorRate } = behaviourOf((deployment?.spec as PodTemplated | undefined)?.template.metadata?.annotations);
    await backend.report(namespace, target, Math.round(REQUESTS_PER_SECOND * errorRate));
  };
  void (async () => {
    while (!stopped) {
      await tick().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  })();
  return () => {
    stopped = true;
  };
}

const asObject = (template: MetricTemplate): KubeObject => ({ ...template, metadata: { name: template.metadata.name, namespace: template.metadata.namespace } });

/** Flagger's docs Graphite template (success rate of a Spring app's statsd timers), interval quoted. */
async function graphiteBackend(): Promise<Backend> {
  const graphite = await startGraphite();
  const series = (target: string, outcome: string, status: number) =>
    `stats.timers.httpServerRequests.app.${target}.exception.None.method.GET.outcome.${outcome}.status.${status}.uri.root.count`;
  return {
    objects: (ns) => [asObject(docsTemplate(GRAPHITE_DOCS_TEMPLATE, ns, graphite.url, quoteInterval))],
    templateName: 'graphite-request-success-rate',
    interval: '60s',
    report: (_ns, target, errors) =>
      graphite.write([{ path: series(target, 'SUCCESS', 200), value: REQUESTS_PER_SECOND - errors }, { path: series(target, 'SERVER_ERROR', 500), value: errors }]),
    stop: () => graphite.stop(),
  };
}

/**
 * A Flux success rate. Not Flagger's docs InfluxDB example: it counts the 500s, and a healthy app
 * writes none, which is no record, a failed check here (Flagger reads 0).
 */
const INFLUX_SUCCESS_RATE = `
from(bucket: "default")
  |> range(start: -{{ interval }})
  |> filter(fn: (r) => r["_measurement"] == "http_requests" and r["namespace"] == "{{ namespace }}" and r["workload"] == "{{ target }}")
  |> filter(fn: (r) => r["_field"] == "success_rate")
  |> mean()`;

async function influxBackend(): Promise<Backend> {
  const influx = await startInfluxdb({ bucket: 'default' });
  return {
    objects: (ns) => [
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'influx-token', namespace: ns }, stringData: { token: influx.token, org: influx.org } } as KubeObject,
      {
        apiVersion: 'pennant.dev/v1beta1',
        kind: 'MetricTemplate',
        metadata: { name: 'influx-success-rate', namespace: ns },
        spec: { provider: { type: 'influxdb', address: influx.url, secretRef: { name: 'influx-token' } }, query: INFLUX_SUCCESS_RATE },
      },
    ],
    templateName: 'influx-success-rate',
    interval: '30s',
    report: (ns, target, errors) =>
      influx.write([`http_requests,namespace=${ns},workload=${target} success_rate=${(100 * (REQUESTS_PER_SECOND - errors)) / REQUESTS_PER_SECOND} ${Math.floor(Date.now() / 1000)}`]),
    stop: () => influx.stop(),
  };
}

/**
 * A Canary judged only by a MetricTemplate of a real metric server, on the real control plane:
 * promoted while the app reports no errors, rolled back once it reports 30%.
 */
describe.each([
  ['graphite', graphiteBackend],
  ['influxdb', influxBackend],
] as const)('a Canary judged by a %s MetricTemplate on the real control plane', (provider, startBackend) => {
  const stack = new RealStack(inject('kubeconfig'));
  let backend: Backend;
  const reporters: (() => void)[] = [];
  let n = 0;

  beforeAll(async () => {
    backend = await startBackend();
    await stack.start();
  }, 120_000);
  afterAll(async () => {
    for (const stop of reporters) stop();
    await stack.stop();
    await backend?.stop();
  });

  /** A fresh namespace with `target` 6.0.0 initialised under a Canary whose only check is the backend's template. */
  async function initialised(target: string): Promise<string> {
    const ns = `it-${provider}-${target}-${process.pid}-${n++}`;
    await stack.kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    for (const object of backend.objects(ns)) await stack.kube.create(object);
    await stack.kube.create(podinfoDeployment(ns, { image: 'podinfo:6.0.0' }, target));
    await stack.simulator.addApps([{ namespace: ns, service: target, target, provider: 'gatewayapi:v1' }]);
    reporters.push(reportEverySecond(stack.kube, backend, ns, target));
    const canary = podinfoCanary({ namespace: ns, name: target, interval: '5s', provider: 'gatewayapi:v1', gatewayRefs, threshold: 2 });
    (canary.spec as { analysis: Record<string, unknown> }).analysis.metrics = [
      { name: CHECK, templateRef: { name: backend.templateName }, thresholdRange: { min: 99 }, interval: backend.interval },
    ];
    await stack.kube.create(canary);
    await waitForPhase(stack.kube, ns, 'Initialized', PHASE_TIMEOUT, target);
    return ns;
  }

  const check = async (ns: string, name: string) => {
    const status = (await stack.kube.get({ apiVersion: 'pennant.dev/v1beta1', kind: 'Canary', namespace: ns, name }))?.status as { checks?: { name: string; value: number | null; verdict: string }[] };
    return status.checks?.find((c) => c.name === CHECK);
  };

  it('healthy: the success rate the server answers is 100 at every step → promoted', async () => {
    const ns = await initialised('healthy');
    const recorder = recordWeights(stack.kube, ns);
    await setImage(stack.kube, ns, 'podinfo:6.0.1', {}, 'healthy');
    const done = await waitForPhase(stack.kube, ns, 'Succeeded', PHASE_TIMEOUT, 'healthy');
    recorder.stop();
    expect(recorder.weights).toEqual([10, 20, 30, 40, 50, 0]);
    expect(done.failedChecks).toBe(0);
    expect(await check(ns, 'healthy')).toMatchObject({ verdict: 'pass', value: 100 });
    expect(await deploymentOf(stack.kube, ns, 'healthy-primary')).toMatchObject({ image: 'podinfo:6.0.1' });
  }, 240_000);

  it('faulty: 30% errors reported → rolled back after threshold, the primary keeps 6.0.0', async () => {
    const ns = await initialised('faulty');
    await setImage(stack.kube, ns, 'podinfo:6.0.2', { [ERROR_RATE_ANNOTATION]: '0.3' }, 'faulty');
    const failed = await waitForPhase(stack.kube, ns, 'Failed', PHASE_TIMEOUT, 'faulty');
    expect(failed.failedChecks).toBe(2);
    expect(await deploymentOf(stack.kube, ns, 'faulty-primary')).toMatchObject({ image: 'podinfo:6.0.0' });
    const last = await check(ns, 'faulty');
    expect(last?.verdict).toBe('fail');
    // An average over the check's interval of per-second success rates: between the faulty 70 and the healthy 100.
    expect(last?.value).toBeGreaterThanOrEqual(70);
    expect(last?.value).toBeLessThan(99);
    expect((await canaryStatus(stack.kube, ns, 'faulty')).phase).toBe('Failed');
  }, 240_000);
});
