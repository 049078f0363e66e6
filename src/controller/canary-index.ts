import type { CanaryStatus } from '../api/index.js';
import type { KubeObject, WatchEventType } from '../kube/types.js';
import type { SlotHolder } from './analysis-slots.js';

interface Entry {
  namespace: string;
  target: string | undefined;
  phase: CanaryStatus['phase'];
  queuedSince: string | undefined;
}

/**
 * What the controller needs to know about every Canary at once (their phases for the concurrency
 * cap, their targets to route watch events, their count), kept up to date from the Canary watch.
 * Reading it costs no copies and no parsing, so a reconcile stays O(1) in the number of Canaries.
 */
export class CanaryIndex {
  private readonly entries = new Map<string, Entry>();

  update(type: WatchEventType, obj: KubeObject): void {
    const key = keyOf(obj);
    if (type === 'DELETED') {
      this.entries.delete(key);
      return;
    }
    const spec = obj.spec as { targetRef?: { name?: unknown } } | undefined;
    const status = obj.status as { phase?: unknown; queuedSince?: unknown } | undefined;
    this.entries.set(key, {
      namespace: obj.metadata.namespace ?? 'default',
      target: typeof spec?.targetRef?.name === 'string' ? spec.targetRef.name : undefined,
      phase: typeof status?.phase === 'string' ? (status.phase as CanaryStatus['phase']) : undefined,
      queuedSince: typeof status?.queuedSince === 'string' ? status.queuedSince : undefined,
    });
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  holders(): SlotHolder[] {
    return [...this.entries].map(([key, e]) => ({ key, status: { phase: e.phase, ...(e.queuedSince ? { queuedSince: e.queuedSince } : {}) } }));
  }

  /** Canaries of a namespace, with the name of their target. */
  inNamespace(namespace: string | undefined): { key: string; target: string | undefined }[] {
    const found: { key: string; target: string | undefined }[] = [];
    for (const [key, e] of this.entries) if (e.namespace === (namespace ?? 'default')) found.push({ key, target: e.target });
    return found;
  }

  countByNamespace(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const e of this.entries.values()) counts.set(e.namespace, (counts.get(e.namespace) ?? 0) + 1);
    return counts;
  }
}

export const keyOf = (obj: KubeObject): string => `${obj.metadata.namespace ?? 'default'}/${obj.metadata.name ?? ''}`;
