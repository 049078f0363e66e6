import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { REPO, realKube } from './cluster.js';

interface Replica { child: ChildProcess; output: () => string; exited: Promise<number | null> }

/** Two `pennant run --leader-elect` replicas: one leads, the other stands by and takes over. */
describe('pennant run --leader-elect', () => {
  const kubeconfig = inject('kubeconfig');
  const kube = realKube(kubeconfig);
  const ns = `it-lease-${process.pid}`;
  const replicas: Replica[] = [];

  function replica(identity: string): Replica {
    const child = spawn(process.execPath, [join(REPO, 'bin/pennant.js'), 'run', '--kubeconfig', kubeconfig, '--port', '0', '--workers', '1', '--namespace', ns, '--leader-elect', '--leader-election-namespace', ns, '--identity', identity], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const r = { child, output: () => output, exited: new Promise<number | null>((resolve) => child.on('exit', resolve)) };
    replicas.push(r);
    return r;
  }
  const holder = async () => ((await kube.get({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: ns, name: 'pennant-leader' }))?.spec as { holderIdentity?: string } | undefined)?.holderIdentity;

  afterAll(async () => {
    for (const r of replicas) r.child.kill('SIGKILL');
    await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }).catch(() => undefined);
  });

  it('one replica leads, the other waits; the standby takes over when the leader stops', async () => {
    await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const a = replica('replica-a');
    await expect.poll(() => a.output(), { timeout: 60_000 }).toMatch(/"msg":"leading"/);
    expect(await holder()).toBe('replica-a');

    const b = replica('replica-b');
    await expect.poll(() => b.output(), { timeout: 60_000 }).toMatch(/"msg":"waiting to lead"/);
    const port = Number(/"port":(\d+),"msg":"serving/.exec(b.output())?.[1]);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 'a standby is ready').toBe(200);
    expect(b.output()).not.toMatch(/"msg":"controller started"/);
    expect(await holder()).toBe('replica-a');

    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    await expect.poll(() => b.output(), { timeout: 60_000 }).toMatch(/"msg":"controller started"/);
    expect(await holder()).toBe('replica-b');
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
  }, 240_000);
});
