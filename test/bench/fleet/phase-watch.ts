import type { Informer, KubeClient, KubeObject } from '../../../src/kube/types.js';
import type { FleetMember } from './fleet.js';

const key = (m: FleetMember): string => `${m.namespace}/${m.name}`;

/** When each canary was first seen in each phase, from a watch (the benchmark's own identity). */
export class PhaseWatch {
  private readonly informer: Informer;
  private readonly seen = new Map<string, Map<string, number>>();

  constructor(kube: KubeClient, apiVersion: string) {
    this.informer = kube.informer({ apiVersion, kind: 'Canary' });
    this.informer.onChange((_event, obj) => this.record(obj));
  }

  async start(): Promise<void> {
    await this.informer.start();
    for (const obj of this.informer.list()) this.record(obj);
  }

  stop(): void {
    this.informer.stop();
  }

  firstSeen(member: FleetMember, phase: string): number | undefined {
    return this.seen.get(key(member))?.get(phase);
  }

  /** From now on a phase counts only when entered again (e.g. Progressing after a bump). */
  forget(members: readonly FleetMember[]): void {
    for (const m of members) this.seen.delete(key(m));
  }

  async waitForAll(members: readonly FleetMember[], phase: string, timeoutMs: number, check: () => void): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      check();
      const missing = members.filter((m) => this.firstSeen(m, phase) === undefined);
      if (missing.length === 0) return;
      if (Date.now() > deadline) {
        const example = missing[0] as FleetMember;
        throw new Error(`${missing.length} of ${members.length} canaries never reached ${phase} within ${timeoutMs / 1000} s (e.g. ${key(example)}: ${this.phaseOf(example) ?? 'no status'})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  private phaseOf(member: FleetMember): string | undefined {
    return (this.informer.get(member.namespace, member.name)?.status as { phase?: string } | undefined)?.phase;
  }

  private record(obj: KubeObject): void {
    const phase = (obj.status as { phase?: string } | undefined)?.phase;
    if (!phase) return;
    const k = `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
    const phases = this.seen.get(k) ?? new Map<string, number>();
    if (!phases.has(phase)) phases.set(phase, Date.now());
    this.seen.set(k, phases);
  }
}
