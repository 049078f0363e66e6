import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { podinfoDeployment } from '../../src/demo/manifests.js';
import type { KubeObject } from '../../src/kube/types.js';
import { canaryStatus, setImage } from '../scenarios/helpers.js';
import { REPO, realKube } from './cluster.js';

interface Controller { child: ChildProcess; output: () => string }

/** A Canary without metrics (blue/green iterations on the kubernetes provider): no Prometheus needed. */
const canary = (namespace: string, name: string, shard?: string): KubeObject => ({
  apiVersion: 'pennant.dev/v1beta1',
  kind: 'Canary',
  metadata: { name, namespace, ...(shard ? { labels: { 'pennant.dev/shard': shard } } : {}) },
  spec: {
    provider: 'kubernetes',
    targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
    service: { port: 9898, targetPort: 'http' },
    analysis: { interval: '10s', threshold: 2, iterations: 1 },
  },
});

/** Two `pennant run` processes, one `--shard blue`, one the default shard, on one namespace. */
describe('pennant run --shard', () => {
  const kubeconfig = inject('kubeconfig');
  const kube = realKube(kubeconfig);
  const ns = `it-shard-${process.pid}`;
  const controllers: Controller[] = [];

  function start(...extra: string[]): Controller {
    const args = [join(REPO, 'bin/pennant.js'), 'run', '--kubeconfig', kubeconfig, '--port', '0', '--workers', '2', '--namespace', ns, '--log-level', 'debug', '--leader-elect', '--leader-election-namespace', ns, ...extra];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const c = { child, output: () => output };
    controllers.push(c);
    return c;
  }
  const holder = async (lease: string) => ((await kube.get({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: ns, name: lease }))?.spec as { holderIdentity?: string } | undefined)?.holderIdentity;

  afterAll(async () => {
    for (const c of controllers) c.child.kill('SIGKILL');
    await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }).catch(() => undefined);
  });

  it('each shard handles only its own Canaries, elects its own leader, and never touches the other\'s', async () => {
    await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    for (const name of ['blue-app', 'plain-app']) await kube.create(podinfoDeployment(ns, { image: 'podinfo:6.0.0' }, name));
    const blue = start('--shard', 'blue', '--identity', 'shard-blue');
    const plain = start('--identity', 'shard-default');
    await expect.poll(() => blue.output(), { timeout: 60_000 }).toMatch(/"msg":"leading"/);
    await expect.poll(() => plain.output(), { timeout: 60_000 }).toMatch(/"msg":"leading"/);
    expect(await holder('pennant-leader-blue')).toBe('shard-blue');
    expect(await holder('pennant-leader')).toBe('shard-default');

    await kube.create(canary(ns, 'blue-app', 'blue'));
    await kube.create(canary(ns, 'plain-app'));
    for (const name of ['blue-app', 'plain-app']) {
      await expect.poll(async () => (await canaryStatus(kube, ns, name)).phase, { timeout: 120_000, interval: 500 }).toBe('Initialized');
    }
    await setImage(kube, ns, 'podinfo:6.0.1', {}, 'blue-app');
    await expect.poll(async () => (await canaryStatus(kube, ns, 'blue-app')).phase, { timeout: 120_000, interval: 500 }).toBe('Succeeded');

    // Each controller's log names only its own Canary (every reconcile logs its key at debug level).
    expect(blue.output()).toContain(`${ns}/blue-app`);
    expect(blue.output()).not.toContain(`${ns}/plain-app`);
    expect(plain.output()).toContain(`${ns}/plain-app`);
    expect(plain.output()).not.toContain(`${ns}/blue-app`);

    // With the blue shard gone, nobody steps its Canary: the default shard leaves it alone.
    blue.child.kill('SIGKILL');
    await setImage(kube, ns, 'podinfo:6.0.2', {}, 'blue-app');
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    expect((await canaryStatus(kube, ns, 'blue-app')).phase).toBe('Succeeded');
    expect(plain.output()).not.toContain(`${ns}/blue-app`);
  }, 300_000);
});
