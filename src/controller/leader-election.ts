import { isConflict, isNotFound } from '../kube/errors.js';
import type { KubeClient, KubeObject } from '../kube/types.js';

export const LEASE = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' };

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  identity: string;
  /** How long a lease is valid after its last renewal (client-go's default: 15 s). */
  leaseDurationMs: number;
  /** How long the leader keeps trying to renew before it gives up leading (10 s). */
  renewDeadlineMs: number;
  /** Time between attempts (2 s). */
  retryPeriodMs: number;
  now?: () => Date;
}

export const DEFAULT_LEADER_ELECTION = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

/** acquire() ended by release(): the replica is shutting down before it led, not failing. */
export class LeaderElectionStopped extends Error {
  override readonly name = 'LeaderElectionStopped';
  constructor() {
    super('leader election stopped before this candidate led');
  }
}

/**
 * Leader election on a coordination.k8s.io Lease, as client-go does it: the holder renews the lease
 * every retry period; another candidate takes it over once it has not been renewed for its duration.
 * Every write carries the Lease's resourceVersion, so two candidates never both win.
 */
export class LeaderElector {
  private leading = false;
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Ends acquire()'s wait between tries: release() must not leave a candidate waiting for good. */
  private wake: (() => void) | undefined;
  private lastRenewal = 0;
  private readonly now: () => Date;

  constructor(private readonly kube: KubeClient, private readonly options: LeaderElectionOptions) {
    this.now = options.now ?? (() => new Date());
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /**
   * Resolves once this candidate leads; `onLost` is called (once) if it later stops leading, and
   * from then on the caller must stop acting: another replica may already be.
   */
  async acquire(onLost: (reason: string) => void): Promise<void> {
    for (;;) {
      if (this.stopped) throw new LeaderElectionStopped();
      if (await this.tryAcquireOrRenew()) break;
      await this.sleep(this.options.retryPeriodMs);
    }
    this.leading = true;
    if (this.stopped) {
      // release() came while the winning write was in flight: hand the lease straight back.
      await this.giveBack();
      throw new LeaderElectionStopped();
    }
    this.lastRenewal = Date.now();
    this.scheduleRenewal(onLost);
  }

  /** Gives the lease up (so a standby takes over at once rather than after the lease duration). */
  async release(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    await this.giveBack();
  }

  private async giveBack(): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
    const lease = await this.kube.get(this.ref()).catch(() => null);
    if (!lease || holderOf(lease) !== this.options.identity) return;
    const spec = { ...(lease.spec as LeaseSpec), holderIdentity: undefined, leaseDurationSeconds: 1 };
    await this.kube.update({ ...lease, spec }).catch(() => undefined);
  }

  private scheduleRenewal(onLost: (reason: string) => void): void {
    this.timer = setTimeout(() => {
      void this.renew(onLost);
    }, this.options.retryPeriodMs);
    this.timer.unref?.();
  }

  private async renew(onLost: (reason: string) => void): Promise<void> {
    if (this.stopped) return;
    let renewed = false;
    let reason = 'the lease could not be renewed';
    try {
      renewed = await this.tryAcquireOrRenew();
      if (!renewed) reason = 'another candidate holds the lease';
    } catch (err) {
      reason = `renewing the lease failed: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (renewed) this.lastRenewal = Date.now();
    if (!renewed && (reason === 'another candidate holds the lease' || Date.now() - this.lastRenewal >= this.options.renewDeadlineMs)) {
      this.leading = false;
      this.stopped = true;
      onLost(reason);
      return;
    }
    this.scheduleRenewal(onLost);
  }

  /** One attempt: create the Lease, renew it as its holder, or take it over once expired. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.now();
    const lease = await this.kube.get(this.ref());
    if (!lease) return this.create(now);
    const spec = (lease.spec ?? {}) as LeaseSpec;
    const mine = spec.holderIdentity === this.options.identity;
    if (!mine && spec.holderIdentity && !expired(spec, now)) return false;
    const next: LeaseSpec = {
      ...spec,
      holderIdentity: this.options.identity,
      leaseDurationSeconds: Math.ceil(this.options.leaseDurationMs / 1000),
      renewTime: microTime(now),
      ...(mine ? {} : { acquireTime: microTime(now), leaseTransitions: (spec.leaseTransitions ?? 0) + 1 }),
    };
    try {
      await this.kube.update({ ...lease, spec: next });
      return true;
    } catch (err) {
      if (isConflict(err) || isNotFound(err)) return false;
      throw err;
    }
  }

  private async create(now: Date): Promise<boolean> {
    try {
      await this.kube.create({
        ...LEASE,
        metadata: { name: this.options.name, namespace: this.options.namespace },
        spec: {
          holderIdentity: this.options.identity,
          leaseDurationSeconds: Math.ceil(this.options.leaseDurationMs / 1000),
          acquireTime: microTime(now),
          renewTime: microTime(now),
          leaseTransitions: 0,
        },
      });
      return true;
    } catch (err) {
      if (err instanceof Error && 'code' in err && (err as { code: string }).code === 'AlreadyExists') return false;
      throw err;
    }
  }

  private ref() {
    return { ...LEASE, namespace: this.options.namespace, name: this.options.name };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped) return resolve();
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
    });
  }
}

const holderOf = (lease: KubeObject): string | undefined => (lease.spec as LeaseSpec | undefined)?.holderIdentity;

function expired(spec: LeaseSpec, now: Date): boolean {
  const renewed = Date.parse(spec.renewTime ?? spec.acquireTime ?? '');
  if (Number.isNaN(renewed)) return true;
  return renewed + (spec.leaseDurationSeconds ?? 15) * 1000 < now.getTime();
}

/** metav1.MicroTime: RFC 3339 with microseconds, which the Lease API requires. */
export const microTime = (date: Date): string => date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
