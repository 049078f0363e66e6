import { afterEach, describe, expect, it } from 'vitest';
import { LEASE, LeaderElectionStopped, LeaderElector, microTime } from '../../../src/controller/leader-election.js';
import { KubeError } from '../../../src/kube/errors.js';
import { MemoryKube } from '../../../src/kube/memory.js';
import type { KubeClient } from '../../../src/kube/types.js';
import { IO_WAIT } from '../../harness/wait.js';

const FAST = { namespace: 'pennant-system', name: 'pennant-leader', leaseDurationMs: 1000, renewDeadlineMs: 600, retryPeriodMs: 100 };
const lease = (kube: KubeClient) => kube.get({ ...LEASE, namespace: FAST.namespace, name: FAST.name });
const holder = async (kube: KubeClient) => ((await lease(kube))?.spec as { holderIdentity?: string } | undefined)?.holderIdentity;

/** A client whose writes fail once `cut()` is called: a leader cut off from the API server. */
function partitionable(kube: MemoryKube): { client: KubeClient; cut: () => void } {
  let partitioned = false;
  const client = new Proxy(kube, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => (partitioned ? Promise.reject(new KubeError('Unavailable', 'connection refused')) : (value as (...a: unknown[]) => unknown).apply(target, args));
    },
  }) as KubeClient;
  return { client, cut: () => { partitioned = true; } };
}

describe('LeaderElector', () => {
  const electors: LeaderElector[] = [];
  const elector = (kube: KubeClient, identity: string) => {
    const e = new LeaderElector(kube, { ...FAST, identity });
    electors.push(e);
    return e;
  };
  afterEach(async () => {
    await Promise.all(electors.splice(0).map((e) => e.release().catch(() => undefined)));
  });

  it('the first candidate leads; the second waits while the lease is renewed', async () => {
    const kube = new MemoryKube();
    await elector(kube, 'a').acquire(() => undefined);
    expect(await holder(kube)).toBe('a');
    let bLeads = false;
    void elector(kube, 'b').acquire(() => undefined).then(() => { bLeads = true; }, () => undefined);
    const firstRenewal = ((await lease(kube))?.spec as { renewTime: string }).renewTime;
    await new Promise((r) => setTimeout(r, 1500));
    expect(bLeads).toBe(false);
    expect(await holder(kube)).toBe('a');
    expect(((await lease(kube))?.spec as { renewTime: string }).renewTime > firstRenewal).toBe(true);
  });

  it('a released lease is taken over at once', async () => {
    const kube = new MemoryKube();
    const a = elector(kube, 'a');
    await a.acquire(() => undefined);
    const b = elector(kube, 'b').acquire(() => undefined);
    await a.release();
    await b;
    expect(await holder(kube)).toBe('b');
    expect(((await lease(kube))?.spec as { leaseTransitions: number }).leaseTransitions).toBe(1);
  });

  it('a leader that cannot renew stops leading within the renew deadline, and the standby takes over after the lease expires', async () => {
    const kube = new MemoryKube();
    const { client, cut } = partitionable(kube);
    let lost = '';
    const a = elector(client, 'a');
    await a.acquire((reason) => { lost = reason; });
    const b = elector(kube, 'b').acquire(() => undefined);
    cut();
    await expect.poll(() => lost, IO_WAIT).toMatch(/renewing the lease failed: connection refused/);
    expect(a.isLeader).toBe(false);
    await b;
    expect(await holder(kube)).toBe('b');
  });

  it('two candidates racing for a new lease: exactly one wins', async () => {
    const kube = new MemoryKube();
    const won: string[] = [];
    const candidates = ['a', 'b', 'c'].map((id) => elector(kube, id).acquire(() => undefined).then(() => won.push(id), () => undefined));
    await expect.poll(() => won.length, IO_WAIT).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(won).toHaveLength(1);
    expect(await holder(kube)).toBe(won[0]);
    void candidates;
  });

  it('a standby released while it waits stops waiting at once, with LeaderElectionStopped, and never leads', async () => {
    const kube = new MemoryKube();
    await elector(kube, 'a').acquire(() => undefined);
    // A retry period far longer than the test: only release() can end the wait.
    const b = new LeaderElector(kube, { ...FAST, retryPeriodMs: 3_600_000, identity: 'b' });
    const waiting = b.acquire(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    await b.release();
    await expect(waiting).rejects.toBeInstanceOf(LeaderElectionStopped);
    expect(b.isLeader).toBe(false);
    expect(await holder(kube)).toBe('a');
  });

  it('released while its winning write is in flight: the lease is handed straight back', async () => {
    const kube = new MemoryKube();
    let releaseNow: () => Promise<void> = async () => undefined;
    // The Lease create is held until release() has been called.
    const slow = new Proxy(kube, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (prop !== 'create' || typeof value !== 'function') return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        return async (...args: unknown[]) => {
          await releaseNow();
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }) as KubeClient;
    const a = new LeaderElector(slow, { ...FAST, identity: 'a' });
    releaseNow = () => a.release();
    await expect(a.acquire(() => undefined)).rejects.toBeInstanceOf(LeaderElectionStopped);
    expect(a.isLeader).toBe(false);
    expect(await holder(kube)).toBeUndefined();
    // A second candidate leads at once, not after the lease duration.
    await elector(kube, 'b').acquire(() => undefined);
    expect(await holder(kube)).toBe('b');
  });

  it('writes MicroTime timestamps, as the Lease API requires', () => {
    expect(microTime(new Date('2026-01-01T00:00:00.123Z'))).toBe('2026-01-01T00:00:00.123000Z');
  });
});
