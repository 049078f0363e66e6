import type { BatchedQuery, BatchItem } from './batch-queries.js';
import { itemKey } from './batch-queries.js';

/** What a batch asks its backend: every series of one grouped query, evaluated at one time. */
export type VectorQuery = (query: string, signal: AbortSignal, at: Date) => Promise<{ labels: Record<string, string>; value: number | null }[]>;

export interface BatchRequest {
  /** Canaries sharing this key (backend, builtin, interval) are judged by one query per step. */
  key: string;
  query: BatchedQuery;
  interval: string;
  intervalMs: number;
  /** The step's time: a point of the interval's grid, the same for every canary of the batch. */
  at: Date;
  item: BatchItem;
  run: VectorQuery;
}

interface Answer {
  asked: Set<string>;
  values: Map<string, number | null>;
}

interface Batch {
  /** Canaries that asked within the last few intervals: the next query covers them all. */
  members: Map<string, { item: BatchItem; seen: number }>;
  /** By step time: the answer (or the query in flight) for the members asked at that step. */
  answers: Map<number, Promise<Answer>[]>;
}

const KEEP_INTERVALS = 3;

/**
 * One PromQL query per (backend, builtin metric, interval) and step for all canaries that share
 * them, instead of one each. The first canary of a step asks for every canary seen lately; one
 * that was not in that query (new since) causes a second. Answers are kept for a few intervals, so
 * canaries reconciled later in the same step read the same, already-made, answer.
 */
export class MetricBatcher {
  private readonly batches = new Map<string, Batch>();
  queries = 0;

  /**
   * A canary whose analysis has started joins before its first step, so that step's first query
   * already covers it: canaries bumped together are then judged by one query, not one per worker turn.
   */
  join(request: Pick<BatchRequest, 'key' | 'item' | 'at'>): void {
    this.batchOf(request.key).members.set(itemKey(request.item), { item: request.item, seen: request.at.getTime() });
  }

  async value(request: BatchRequest, signal: AbortSignal): Promise<number | null> {
    const batch = this.batchOf(request.key);
    const key = itemKey(request.item);
    const step = request.at.getTime();
    batch.members.set(key, { item: request.item, seen: step });
    this.forgetOld(batch, step, request.intervalMs);
    for (const pending of batch.answers.get(step) ?? []) {
      const answer = await pending.catch(() => undefined);
      if (answer?.asked.has(key)) return answer.values.get(key) ?? null;
    }
    // Asked once the current turn of the event loop is over, so canaries judged together join in.
    const asking = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.ask(request, [...batch.members.values()].map((m) => m.item), signal));
    batch.answers.set(step, [...(batch.answers.get(step) ?? []), asking]);
    try {
      return (await asking).values.get(key) ?? null;
    } catch (err) {
      // A failed query is not kept: the next canary of the step asks again (and reports its own error).
      batch.answers.set(step, (batch.answers.get(step) ?? []).filter((p) => p !== asking));
      throw err;
    }
  }

  private async ask(request: BatchRequest, items: BatchItem[], signal: AbortSignal): Promise<Answer> {
    this.queries++;
    const series = await request.run(request.query.render(items, request.interval), signal, request.at);
    const values = new Map<string, number | null>();
    for (const { labels, value } of series) {
      const item = request.query.itemOf(labels);
      if (item !== undefined) values.set(item, value);
    }
    return { asked: new Set(items.map(itemKey)), values };
  }

  private batchOf(key: string): Batch {
    let batch = this.batches.get(key);
    if (!batch) {
      batch = { members: new Map(), answers: new Map() };
      this.batches.set(key, batch);
    }
    return batch;
  }

  /** Canaries that stopped asking leave the query; answers of old steps are dropped. */
  private forgetOld(batch: Batch, step: number, intervalMs: number): void {
    const oldest = step - KEEP_INTERVALS * intervalMs;
    for (const [key, member] of batch.members) if (member.seen < oldest) batch.members.delete(key);
    for (const at of batch.answers.keys()) if (at < oldest) batch.answers.delete(at);
  }
}
