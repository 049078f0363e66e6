import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Canary } from '../../src/api/index.js';
import { kubeConfigFrom, MemoryKube, RealKube } from '../../src/kube/index.js';
import { evaluateMetrics } from '../../src/metrics/index.js';
import { startPrometheus, startTrafficSimulator, waitUntil, type PrometheusServer, type TrafficSimulator } from '../harness/index.js';
import { createSimPods, simDeployment, simService } from '../harness/sim-fixtures.js';

// The metrics half of the integration tier without a cluster: the simulator reads an in-memory
// kube, a real Prometheus scrapes it, and Pennant's own builtin queries run against that Prometheus.
const NS = 'smoke';
const ERROR_RATE = 0.1;
const LATENCY_MS = 200;

const canary = (provider: 'kubernetes' | 'istio', namespace = NS): Canary => ({
  apiVersion: 'pennant.dev/v1beta1',
  kind: 'Canary',
  metadata: { name: 'podinfo', namespace },
  spec: {
    provider,
    targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
    analysis: {
      metrics: [
        { name: 'request-success-rate', thresholdRange: { min: 99 }, interval: '1m' },
        { name: 'request-duration', thresholdRange: { max: 500 }, interval: '1m' },
      ],
    },
  },
});

async function builtins(prometheus: PrometheusServer, provider: 'kubernetes' | 'istio', namespace = NS) {
  const [success, duration] = await evaluateMetrics({
    canary: canary(provider, namespace),
    signal: AbortSignal.timeout(10_000),
    metricsServer: prometheus.url,
    meshProvider: provider,
    getTemplate: () => undefined,
    getSecret: () => undefined,
  });
  return { success, duration };
}

describe('harness smoke: real Prometheus scraping the traffic simulator', () => {
  let prometheus: PrometheusServer | undefined;
  let simulator: TrafficSimulator | undefined;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    const kube = new MemoryKube();
    await kube.create(simDeployment({ namespace: NS, name: 'podinfo', errorRate: ERROR_RATE, latencyMs: LATENCY_MS }));
    await createSimPods(kube, { namespace: NS, app: 'podinfo', count: 3 });
    await kube.create(simService(NS, 'podinfo', { app: 'podinfo' }));

    prometheus = await startPrometheus();
    timings.prometheusStartMs = prometheus.startupMs;
    const began = Date.now();
    simulator = await startTrafficSimulator({
      kube,
      apps: [{ namespace: NS, service: 'podinfo', target: 'podinfo', provider: 'kubernetes' }],
      rate: 100,
    });
    await prometheus.addTargets([simulator.target]);
    const prom = prometheus;
    await waitUntil(async () => (await builtins(prom, 'kubernetes')).success?.value != null, {
      timeoutMs: 30_000,
      intervalMs: 200,
      what: 'the first success-rate value',
    });
    timings.firstValueMs = Date.now() - began;
    // Enough requests in the window that a 10% error rate reads as 90 ± a few.
    await waitUntil(
      async () => ((await prom.queryValue(`sum(increase(http_request_duration_seconds_count{kubernetes_namespace="${NS}"}[1m]))`)) ?? 0) >= 800,
      { timeoutMs: 30_000, intervalMs: 250, what: '800 requests in Prometheus' },
    );
    timings.enoughDataMs = Date.now() - began;
    console.info(`harness smoke timings: ${JSON.stringify(timings)}`);
  }, 90_000);

  afterAll(async () => {
    await simulator?.stop();
    await prometheus?.stop();
  });

  it('kubernetes provider: request-success-rate ≈ 100 × (1 − error rate)', async () => {
    const { success } = await builtins(prometheus!, 'kubernetes');
    expect(success?.verdict).toBe('fail'); // 90 is below the 99 minimum
    expect(success?.value).toBeGreaterThan(85);
    expect(success?.value).toBeLessThan(95);
  });

  it('kubernetes provider: request-duration ≈ the latency annotation', async () => {
    const { duration } = await builtins(prometheus!, 'kubernetes');
    expect(duration?.verdict).toBe('pass');
    expect(duration?.value).toBeGreaterThanOrEqual(LATENCY_MS * 0.9);
    expect(duration?.value).toBeLessThanOrEqual(LATENCY_MS * 1.05);
  });

  it('istio shape: the same traffic read through the istio builtins', async () => {
    const { success, duration } = await builtins(prometheus!, 'istio');
    expect(success?.value).toBeGreaterThan(85);
    expect(success?.value).toBeLessThan(95);
    expect(duration?.value).toBeGreaterThanOrEqual(LATENCY_MS * 0.9);
    expect(duration?.value).toBeLessThanOrEqual(LATENCY_MS * 1.05);
  });

  it('the simulator counted what it served', () => {
    const stats = simulator!.stats();
    const served = stats.workloads[`${NS}/podinfo`];
    expect(served?.requests).toBeGreaterThan(800);
    expect((served?.errors ?? 0) / (served?.requests ?? 1)).toBeCloseTo(ERROR_RATE, 1);
    expect(stats.unserved).toEqual({});
  });
});

// The same against the real control plane (test/cluster/up, started by the tier's global setup):
// KWOK's pods, real informers, a Deployment scaled to zero.
describe('harness smoke on the real control plane (KWOK pods)', () => {
  const kube: RealKube | undefined = new RealKube(kubeConfigFrom({ kubeconfig: inject('kubeconfig') }));
  const ns = `harness-${randomBytes(3).toString('hex')}`;
  let prometheus: PrometheusServer | undefined;
  let simulator: TrafficSimulator | undefined;
  const canaryPodSeries = async (): Promise<boolean> =>
    /kubernetes_pod_name="podinfo-(?!primary-)/.test(await (await fetch(`${simulator?.url}/metrics`)).text());

  beforeAll(async () => {
    if (!kube) return;
    await kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await kube.create(simDeployment({ namespace: ns, name: 'podinfo', errorRate: 0.2, latencyMs: 300, replicas: 2 }));
    await kube.create(simDeployment({ namespace: ns, name: 'podinfo-primary', errorRate: 0, latencyMs: 50, replicas: 2 }));
    // What the kubernetes router makes: the apex selects the primary; the canary is tested directly.
    await kube.create(simService(ns, 'podinfo', { app: 'podinfo-primary' }));
    await kube.create(simService(ns, 'podinfo-canary', { app: 'podinfo' }));
    await kube.create(simService(ns, 'podinfo-primary', { app: 'podinfo-primary' }));
    prometheus = await startPrometheus();
    simulator = await startTrafficSimulator({
      kube,
      apps: [{ namespace: ns, service: 'podinfo', target: 'podinfo', provider: 'kubernetes' }],
      rate: 50,
      canaryTestRate: 50,
    });
    await prometheus.addTargets([simulator.target]);
    const prom = prometheus;
    await waitUntil(
      async () => ((await prom.queryValue(`sum(increase(http_request_duration_seconds_count{kubernetes_namespace="${ns}"}[1m]))`)) ?? 0) >= 1200,
      { timeoutMs: 60_000, intervalMs: 500, what: '1200 requests in Prometheus' },
    );
  }, 90_000);

  afterAll(async () => {
    await simulator?.stop();
    await prometheus?.stop();
    await kube?.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns });
  });

  it('reads the canary’s KWOK pods only: success ≈ 80, duration ≈ 300 ms', async () => {
    const { success, duration } = await builtins(prometheus!, 'kubernetes', ns);
    expect(success?.value).toBeGreaterThan(73);
    expect(success?.value).toBeLessThan(87);
    expect(duration?.value).toBeGreaterThanOrEqual(270);
    expect(duration?.value).toBeLessThanOrEqual(315);
    const stats = simulator!.stats().workloads;
    expect(stats[`${ns}/podinfo-primary`]?.errors).toBe(0);
    expect(stats[`${ns}/podinfo-primary`]?.requests).toBeGreaterThan(0);
  });

  it('drops a scaled-down canary’s series, as Prometheus would lose its targets', async () => {
    expect(await canaryPodSeries()).toBe(true);
    await kube!.patch({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'podinfo' }, { spec: { replicas: 0 } });
    await waitUntil(async () => !(await canaryPodSeries()), { timeoutMs: 30_000, what: 'the canary pods’ series to go' });
  });
});
