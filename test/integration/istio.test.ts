import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { podinfoCanary, podinfoDeployment } from '../../src/demo/manifests.js';
import type { KubeClient, KubeObject } from '../../src/kube/types.js';
import { deploymentOf, setImage, waitForPhase } from '../scenarios/helpers.js';
import { RealStack } from './real-stack.js';

const VIRTUAL_SERVICE = { apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService' };
const DESTINATION_RULE = { apiVersion: 'networking.istio.io/v1beta1', kind: 'DestinationRule' };
const INTERVAL = '5s';
const PHASE_TIMEOUT = 120_000;

interface HttpRoute { match?: unknown[]; route: { destination: { host: string }; weight: number }[] }

/** Every distinct routing the VirtualService takes, as `<canary weight>` or `ab:<canary weight of the A/B route>`. */
function recordRouting(kube: KubeClient, namespace: string, onChange: (label: string) => void = () => undefined): { seen: string[]; stop: () => void } {
  const seen: string[] = [];
  const informer = kube.informer(VIRTUAL_SERVICE, { namespace });
  void informer.start();
  const stop = informer.onChange((_type, obj) => {
    const http = (obj.spec as { http?: HttpRoute[] }).http ?? [];
    const canaryWeight = (route: HttpRoute | undefined) => route?.route.find((d) => d.destination.host.endsWith('-canary'))?.weight;
    const label = http.length > 1 ? `ab:${canaryWeight(http[0])}` : String(canaryWeight(http[0]));
    if (seen.at(-1) === label) return;
    seen.push(label);
    onChange(label);
  });
  return { seen, stop: () => { stop(); informer.stop(); } };
}

interface MetricCheckLog { canary: string; metric: string; query?: string; value: number | null; verdict: string }

/** The metric checks the controller logged for one Canary. */
function metricChecks(logFile: string, canary: string): MetricCheckLog[] {
  return readFileSync(logFile, 'utf8').split('\n').filter((line) => line.includes('"metric check"'))
    .map((line) => JSON.parse(line) as MetricCheckLog & { msg: string })
    .filter((entry) => entry.msg === 'metric check' && entry.canary === canary);
}

/**
 * provider: istio on real parts: the VirtualService and DestinationRules go to a real API server
 * with Istio's own CRDs, the traffic simulator plays the sidecars (istio_* series), real Prometheus
 * answers the builtin Istio queries.
 */
describe('istio on the real control plane', () => {
  const stack = new RealStack(inject('kubeconfig'));
  let n = 0;

  beforeAll(async () => {
    await stack.start();
  }, 120_000);
  afterAll(async () => {
    await stack.stop();
  });

  /** A fresh namespace with podinfo 6.0.0 initialised under an istio Canary. */
  async function initialised(name: string, ab?: { iterations: number; match: unknown[] }): Promise<string> {
    const ns = `it-istio-${name}-${process.pid}-${n++}`;
    await stack.kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await stack.kube.create(podinfoDeployment(ns, { image: 'podinfo:6.0.0' }));
    await stack.simulator.addApps([{ namespace: ns, service: 'podinfo', target: 'podinfo', provider: 'istio' }]);
    const strategy = ab ? { iterations: ab.iterations } : { stepWeight: 10, maxWeight: 30 };
    const canary: KubeObject = podinfoCanary({ namespace: ns, interval: INTERVAL, provider: 'istio', threshold: 3, ...strategy });
    const spec = canary.spec as { analysis: Record<string, unknown>; service: Record<string, unknown> };
    if (ab) spec.analysis.match = ab.match;
    Object.assign(spec.service, { retries: { attempts: 3, perTryTimeout: '1s', retryOn: 'gateway-error,connect-failure' }, trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });
    await stack.kube.create(canary);
    await waitForPhase(stack.kube, ns, 'Initialized', PHASE_TIMEOUT);
    return ns;
  }

  it('healthy canary: the VirtualService goes 10% … 30%, the builtin Istio metrics pass, promoted', async () => {
    const ns = await initialised('healthy');
    const vs = await stack.kube.get({ ...VIRTUAL_SERVICE, namespace: ns, name: 'podinfo' });
    expect(vs?.spec).toMatchObject({ hosts: ['podinfo'], gateways: ['mesh'] });
    const rule = await stack.kube.get({ ...DESTINATION_RULE, namespace: ns, name: 'podinfo-canary' });
    expect(rule?.spec).toEqual({ host: `podinfo-canary.${ns}.svc.cluster.local`, trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });

    const recorder = recordRouting(stack.kube, ns);
    await setImage(stack.kube, ns, 'podinfo:6.0.1');
    const done = await waitForPhase(stack.kube, ns, 'Succeeded', PHASE_TIMEOUT);
    recorder.stop();
    expect(recorder.seen).toEqual(['10', '20', '30', '0']);
    expect(done.failedChecks ?? 0).toBeLessThan(3);
    expect(await deploymentOf(stack.kube, ns, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.1' });
    expect(await deploymentOf(stack.kube, ns, 'podinfo')).toMatchObject({ replicas: 0 });
    const http = ((await stack.kube.get({ ...VIRTUAL_SERVICE, namespace: ns, name: 'podinfo' }))?.spec as { http: Record<string, unknown>[] }).http;
    expect(http).toEqual([expect.objectContaining({ retries: { attempts: 3, perTryTimeout: '1s', retryOn: 'gateway-error,connect-failure' } })]);

    // The builtin checks ran Istio's queries, on the simulator's istio_* series, through Prometheus.
    const checks = metricChecks(stack.logFile, `${ns}/podinfo`).filter((c) => c.verdict === 'pass');
    const successRate = checks.find((c) => c.metric === 'request-success-rate');
    const duration = checks.find((c) => c.metric === 'request-duration');
    expect(successRate?.query).toContain('istio_requests_total');
    expect(successRate?.query).toContain(`destination_workload_namespace="${ns}"`);
    expect(successRate?.value).toBeGreaterThanOrEqual(99);
    expect(duration?.query).toContain('istio_request_duration_milliseconds_bucket');
    expect(duration?.value).toBeGreaterThan(20);
    expect(duration?.value).toBeLessThan(100); // podinfo answers in 40 ms
  }, 180_000);

  it('A/B canary: the header-matching requests go to the canary for the iterations, then promoted', async () => {
    const ns = await initialised('ab', { iterations: 2, match: [{ headers: { 'x-canary': { exact: 'insider' } } }, { headers: { cookie: { regex: '^(.*?;)?(type=insider)(;.*)?$' } } }] });
    // Requests the canary and the primary served while the A/B route was in place: a share of the
    // requests, not a rate per second, so a slow machine (the simulator's ticks fall behind) does not matter.
    const marks: { canary: number; primary: number }[] = [];
    const served = (workload: string) => stack.simulator.stats().workloads[`${ns}/${workload}`]?.requests ?? 0;
    const recorder = recordRouting(stack.kube, ns, () => marks.push({ canary: served('podinfo'), primary: served('podinfo-primary') }));
    await setImage(stack.kube, ns, 'podinfo:6.0.1');
    await waitForPhase(stack.kube, ns, 'Succeeded', PHASE_TIMEOUT);
    recorder.stop();
    expect(recorder.seen).toEqual(['ab:100', '0']);
    expect(await deploymentOf(stack.kube, ns, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.1' });
    // 40 req/s arrive, half of them carry the match, plus 10 req/s of canary tests: the canary serves
    // 30 of every 50 (0.6); without the A/B route it would serve 10 (0.2), with all traffic 50 (1.0).
    const [start, end] = marks;
    const canary = (end?.canary ?? 0) - (start?.canary ?? 0);
    const primary = (end?.primary ?? 0) - (start?.primary ?? 0);
    expect(canary / (canary + primary)).toBeGreaterThan(0.45);
    expect(canary / (canary + primary)).toBeLessThan(0.75);
  }, 180_000);
});
