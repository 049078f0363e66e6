import { describe, expect, it } from 'vitest';
import { BATCHED_QUERIES, type BatchItem, MetricBatcher } from '../../../src/metrics/index.js';
import type { BatchRequest } from '../../../src/metrics/batcher.js';

const query = BATCHED_QUERIES.kubernetes?.['request-success-rate'];
if (!query) throw new Error('no grouped kubernetes query');
const signal = new AbortController().signal;
const MINUTE = 60_000;

/** A backend that answers every item it is asked for with a value from `values`, and counts. */
function backend(values: Record<string, number>, fail = false) {
  const asked: string[][] = [];
  const run: BatchRequest['run'] = async (rendered) => {
    const namespaces = /kubernetes_namespace=~"([^"]+)"/.exec(rendered)?.[1]?.split('|') ?? [];
    const targets = /\(\?:([^)]+)\)/.exec(rendered)?.[1]?.split('|') ?? [];
    asked.push(namespaces.flatMap((ns) => targets.map((t) => `${ns}/${t}`)).filter((k) => k in values));
    if (fail) throw new Error('prometheus down');
    return Object.entries(values).map(([key, value]) => {
      const [ns, target] = key.split('/');
      return { labels: { kubernetes_namespace: ns ?? '', pennant_workload: target ?? '' }, value };
    });
  };
  return { asked, run };
}
const request = (item: BatchItem, at: number, run: BatchRequest['run']): BatchRequest =>
  ({ key: 'prom|kubernetes|request-success-rate|1m', query, interval: '1m', intervalMs: MINUTE, at: new Date(at), item, run });
const a = { namespace: 'ns1', target: 'a' };
const b = { namespace: 'ns1', target: 'b' };
const c = { namespace: 'ns2', target: 'c' };

describe('MetricBatcher', () => {
  it('canaries judged together in one step share one query, each gets its own value', async () => {
    const { asked, run } = backend({ 'ns1/a': 99, 'ns1/b': 42, 'ns2/c': 100 });
    const batcher = new MetricBatcher();
    const values = await Promise.all([a, b, c].map((item) => batcher.value(request(item, MINUTE, run), signal)));
    expect(values).toEqual([99, 42, 100]);
    expect(batcher.queries).toBe(1);
    expect(asked[0]?.sort()).toEqual(['ns1/a', 'ns1/b', 'ns2/c']);
  });

  it('later in the same step the answer is reused; a canary new since asks once more; the next step asks for all', async () => {
    const { asked, run } = backend({ 'ns1/a': 99, 'ns1/b': 42, 'ns2/c': 100 });
    const batcher = new MetricBatcher();
    await batcher.value(request(a, MINUTE, run), signal);
    await batcher.value(request(a, MINUTE, run), signal);
    expect(batcher.queries).toBe(1);
    expect(await batcher.value(request(b, MINUTE, run), signal)).toBe(42);
    expect(batcher.queries).toBe(2);
    await Promise.all([a, b].map((item) => batcher.value(request(item, 2 * MINUTE, run), signal)));
    expect(batcher.queries).toBe(3);
    expect(asked.at(-1)?.sort()).toEqual(['ns1/a', 'ns1/b']);
  });

  it('canaries that joined before their first step are covered by that step\'s first query, whenever each asks', async () => {
    const { asked, run } = backend({ 'ns1/a': 99, 'ns1/b': 42, 'ns2/c': 100 });
    const batcher = new MetricBatcher();
    for (const item of [a, b, c]) batcher.join(request(item, 0, run));
    expect(batcher.queries).toBe(0);
    for (const [item, value] of [[a, 99], [b, 42], [c, 100]] as const) expect(await batcher.value(request(item, MINUTE, run), signal)).toBe(value);
    expect(batcher.queries).toBe(1);
    expect(asked[0]?.sort()).toEqual(['ns1/a', 'ns1/b', 'ns2/c']);
  });

  it('a canary without series in the answer has no data (null), as its own query would', async () => {
    const { run } = backend({ 'ns1/a': 99 });
    expect(await new MetricBatcher().value(request(c, MINUTE, run), signal)).toBeNull();
  });

  it('a failed query fails each canary that waited on it, and is not kept: the next canary asks again', async () => {
    const broken = backend({ 'ns1/a': 99 }, true);
    const batcher = new MetricBatcher();
    await expect(batcher.value(request(a, MINUTE, broken.run), signal)).rejects.toThrow('prometheus down');
    const healthy = backend({ 'ns1/a': 99 });
    expect(await batcher.value(request(a, MINUTE, healthy.run), signal)).toBe(99);
    expect(batcher.queries).toBe(2);
  });

  it('canaries that stopped asking (3 intervals) leave the query', async () => {
    const { asked, run } = backend({ 'ns1/a': 1, 'ns1/b': 2 });
    const batcher = new MetricBatcher();
    await Promise.all([a, b].map((item) => batcher.value(request(item, MINUTE, run), signal)));
    await batcher.value(request(a, 5 * MINUTE, run), signal);
    expect(asked.at(-1)).toEqual(['ns1/a']);
  });
});
