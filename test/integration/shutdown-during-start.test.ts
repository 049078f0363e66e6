import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REPO, realKube } from './cluster.js';
import { type ControllerProcess, startController } from './controller-process.js';

const LEASE_REF = (namespace: string) => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace, name: 'pennant-leader' });
/** Bounds each stop: a controller still running after this is the failure (the grace period is 60 s). */
const STOP_WITHIN_MS = 30_000;

interface LogLine { msg: string; identity?: string }
const lines = (output: string): LogLine[] => output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogLine);

/**
 * SIGTERM while `pennant run --leader-elect` is still starting: a rollout replaces a pod that has not
 * finished starting, a node drains. It used to stop the parts that had started, then start the
 * rest after them and hang with its informers running (CI: the package test's controller, stopped
 * right after it led, outlived the 60 s grace period).
 */
describe('pennant run stopped during its start', () => {
  const kubeconfig = inject('kubeconfig');
  const kube = realKube(kubeconfig);
  const ns = `it-start-stop-${process.pid}`;
  const running: ControllerProcess[] = [];

  beforeAll(async () => {
    await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  });
  afterAll(async () => {
    await Promise.all(running.map((c) => c.kill()));
    await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }).catch(() => undefined);
  });

  async function start(identity: string): Promise<ControllerProcess> {
    const controller = await startController(process.execPath, [join(REPO, 'bin/pennant.js'), 'run', '--kubeconfig', kubeconfig, '--port', '0', '--workers', '1', '--namespace', ns, '--leader-elect', '--leader-election-namespace', ns, '--identity', identity]);
    running.push(controller);
    return controller;
  }

  /** SIGTERM, then the exit code, or 'still running' once STOP_WITHIN_MS have passed. */
  async function stopWithin(controller: ControllerProcess): Promise<number | null | 'still running'> {
    const code = controller.stop();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'still running'>((resolve) => (timer = setTimeout(() => resolve('still running'), STOP_WITHIN_MS)));
    return Promise.race([code, late]).finally(() => clearTimeout(timer));
  }

  const STARTS = ['leading', 'gitsource controller started', 'controller started'];
  const after = (log: LogLine[], msg: string) => log.slice(log.findIndex((l) => l.msg === msg) + 1);

  // Each moment is a log line of the start; the signal follows it within the test's 100 ms poll.
  for (const moment of ['serving /healthz', 'waiting to lead', 'leading', 'gitsource controller started', 'controller started']) {
    it(`after "${moment}": exits 0, starts no step after the one in flight, stops what started, hands the lease back`, async () => {
      const identity = `start-stop-${moment.replace(/\W+/g, '-')}`;
      const controller = await start(identity);
      await expect.poll(() => lines(controller.output()).some((l) => l.msg.startsWith(moment)), { timeout: 60_000, interval: 10 }).toBe(true);
      const code = await stopWithin(controller);
      const log = lines(controller.output());
      expect(code, controller.output().slice(-4000)).toBe(0);
      // The step in flight when the signal came may finish; none after it starts.
      const startsAfterSignal = after(log, 'shutting down').map((l) => l.msg).filter((msg) => STARTS.includes(msg));
      expect(startsAfterSignal.length, startsAfterSignal.join(', ')).toBeLessThanOrEqual(1);
      // Whatever started was stopped after it.
      for (const [started, stopped] of [['gitsource controller started', 'gitsource controller stopped'], ['controller started', 'controller stopped']] as const) {
        const at = log.findIndex((l) => l.msg === started);
        if (at >= 0) expect(log.slice(at + 1).map((l) => l.msg), `${started}, then`).toContain(stopped);
      }
      expect(log.map((l) => l.msg)).not.toContain('the controller could not start');
      const holder = ((await kube.get(LEASE_REF(ns)))?.spec as { holderIdentity?: string } | undefined)?.holderIdentity;
      expect(holder, 'the lease is handed back, not held until it expires').not.toBe(identity);
    }, 120_000);
  }

  it('a standby waiting for a held lease exits 0 at once, never having led', async () => {
    const now = new Date().toISOString().replace('Z', '000Z');
    // Held by a replica that renews it (as far as the standby can tell) for the next hour.
    await kube.apply({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'pennant-leader', namespace: ns }, spec: { holderIdentity: 'the-leader', leaseDurationSeconds: 3600, acquireTime: now, renewTime: now } }, { force: true });
    const standby = await start('the-standby');
    await expect.poll(() => lines(standby.output()).some((l) => l.msg === 'waiting to lead'), { timeout: 60_000 }).toBe(true);
    await new Promise((r) => setTimeout(r, 3_000)); // a retry period or so into its wait
    expect(await stopWithin(standby), standby.output().slice(-4000)).toBe(0);
    expect(lines(standby.output()).map((l) => l.msg)).not.toContain('leading');
    expect(((await kube.get(LEASE_REF(ns)))?.spec as { holderIdentity?: string }).holderIdentity).toBe('the-leader');
  }, 120_000);
});
