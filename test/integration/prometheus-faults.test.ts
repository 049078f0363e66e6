import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type FaultyPrometheus, type PrometheusFault, startFaultyPrometheus } from '../harness/faulty-prometheus.js';
import { canaryStatus, deploymentOf, waitForPhase } from '../scenarios/helpers.js';
import { releaseAtFirstStep } from './first-step.js';
import { HTTPROUTE_V1, RealStack } from './real-stack.js';

const PHASE_TIMEOUT = 150_000;
const QUERY_TIMEOUT_MS = 1_000;

/**
 * A healthy release whose metrics break mid-analysis: Prometheus gone, too slow, answering
 * garbage or NaN. A check that cannot be measured fails; after `threshold` of them the release is
 * rolled back, never promoted, and all traffic is back on the primary.
 */
describe('Prometheus faults mid-analysis on the real control plane', () => {
  const stack = new RealStack(inject('kubeconfig'));
  let prometheus: FaultyPrometheus;
  let n = 0;

  beforeAll(async () => {
    prometheus = await startFaultyPrometheus(() => stack.prometheus.url, QUERY_TIMEOUT_MS * 3);
    await stack.start({ metricsServer: prometheus.url, queryTimeoutMs: QUERY_TIMEOUT_MS });
  }, 120_000);
  afterAll(async () => {
    await stack.stop();
    await prometheus?.stop();
  });

  it.each<PrometheusFault>(['down', 'slow', 'garbage', 'nan'])('%s: rolled back after threshold, never promoted, all traffic back on the primary', async (fault) => {
    prometheus.fault = 'none';
    const ns = `it-prom-${fault}-${process.pid}-${n++}`;
    const recorder = await releaseAtFirstStep(stack, ns);
    const faultedBefore = prometheus.faulted;
    prometheus.fault = fault;
    const failed = await waitForPhase(stack.kube, ns, 'Failed', PHASE_TIMEOUT);
    prometheus.fault = 'none';
    recorder.stop();
    expect(prometheus.faulted).toBeGreaterThan(faultedBefore);
    expect(failed.failedChecks).toBe(2);
    expect(recorder.weights).not.toContain(50);
    expect(recorder.weights.at(-1)).toBe(0);
    expect(await deploymentOf(stack.kube, ns, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.0' });
    const route = await stack.kube.get({ ...HTTPROUTE_V1, namespace: ns, name: 'podinfo' });
    const backends = (route?.spec as { rules: { backendRefs: { name: string; weight: number }[] }[] }).rules.at(-1)?.backendRefs;
    expect(backends).toEqual([expect.objectContaining({ name: 'podinfo-primary', weight: 100 }), expect.objectContaining({ name: 'podinfo-canary', weight: 0 })]);
    expect((await canaryStatus(stack.kube, ns)).phase).toBe('Failed');
  }, 300_000);
});
