import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { waitUntil } from '../harness/wait.js';
import { deploymentOf, waitForPhase } from '../scenarios/helpers.js';
import { releaseAtFirstStep } from './first-step.js';
import { type ControlPlaneComponent, restartComponent } from './restart-component.js';
import { RealStack } from './real-stack.js';

const PHASE_TIMEOUT = 150_000;

/**
 * The API server or etcd restarted in the middle of a healthy release's analysis. Every watch
 * breaks; resumed from its resourceVersion, a watch the restarted API server cannot serve any more
 * answers 410 Gone and the informer relists. Decisions are made on the cache and written with the
 * resourceVersion they were made on, so none acts on what the cache held before: the weight only
 * ever goes up, and the release is promoted.
 */
describe('control plane restarts mid-analysis on the real control plane', () => {
  const kubeconfig = inject('kubeconfig');
  const stack = new RealStack(kubeconfig);
  let n = 0;

  beforeAll(async () => {
    await stack.start();
  }, 120_000);
  afterAll(async () => {
    await stack.stop();
  });

  const clusterDir = dirname(kubeconfig);
  const componentPid = (component: ControlPlaneComponent): string => readFileSync(join(clusterDir, 'pids', `${component}.pid`), 'utf8').trim();
  const informerCounts = async () => ({ restarts: await counted('pennant_informer_restarts_total'), relists: await counted('pennant_informer_relists_total') });

  const counted = async (name: string): Promise<number> =>
    ((await stack.metrics.registry.getSingleMetric(name)?.get())?.values ?? []).reduce((sum, v) => sum + v.value, 0);

  // etcd's restart is the API server's to hide: its watches stay open (it re-watches etcd itself), so
  // the informers have nothing to resume; requests meanwhile fail and are retried.
  it.each<[ControlPlaneComponent, string]>([
    ['kube-apiserver', 'informers resume, relisting after 410 Gone'],
    ['etcd', 'the API server keeps the watches'],
  ])('%s restarted mid-analysis: %s; the weight never goes back; promoted', async (component) => {
    const ns = `it-restart-${component}-${process.pid}-${n++}`;
    const recorder = await releaseAtFirstStep(stack, ns);
    const before = await informerCounts();
    const pidBefore = componentPid(component);

    await restartComponent(clusterDir, component);
    await waitUntil(() => stack.kube.list({ apiVersion: 'v1', kind: 'Namespace' }).then((items) => items.length > 0), { timeoutMs: 90_000, what: `the API server to answer after the ${component} restart` });

    const done = await waitForPhase(stack.kube, ns, 'Succeeded', PHASE_TIMEOUT);
    recorder.stop();
    const after = await informerCounts();
    const errors = await counted('pennant_reconcile_errors_total');
    process.stderr.write(`${component} restart: weights ${recorder.weights.join(' ')}; informer restarts +${after.restarts - before.restarts}, relists +${after.relists - before.relists}; reconcile errors ${errors}; status conflicts ${await counted('pennant_status_conflicts_total')}\n`);
    expect(componentPid(component)).not.toBe(pidBefore);
    if (component === 'kube-apiserver') expect(after.relists).toBeGreaterThan(before.relists);
    expect(recorder.weights).toEqual([...recorder.weights.slice(0, -1)].sort((a, b) => a - b).concat(0));
    expect(recorder.weights).toContain(50);
    expect(done.failedChecks).toBe(0);
    expect(await deploymentOf(stack.kube, ns, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.1' });
  }, 300_000);
});
