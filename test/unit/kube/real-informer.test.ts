import { afterEach, describe, expect, it, vi } from 'vitest';
import { KubeError } from '../../../src/kube/errors.js';
import { RealInformer, type ListWatchEvent, type ListWatchSource } from '../../../src/kube/real-informer.js';
import type { KubeObject } from '../../../src/kube/types.js';
import { IO_WAIT } from '../../harness/wait.js';

const cm = (name: string, resourceVersion: string, data: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { namespace: 'ns', name, resourceVersion },
  data,
});

type WatchScript = (emit: (e: ListWatchEvent) => void, signal: AbortSignal) => Promise<void>;

/** A scripted list+watch: each list()/watch() call takes the next entry of its script. */
class ScriptedSource implements ListWatchSource {
  readonly watchedFrom: string[] = [];
  constructor(
    private readonly lists: Array<{ items: KubeObject[]; resourceVersion: string } | Error>,
    private readonly watches: WatchScript[],
    private readonly otherwise: WatchScript = (_e, signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve())),
  ) {}
  async list() {
    const next = this.lists.shift();
    if (!next) throw new Error('unexpected list');
    if (next instanceof Error) throw next;
    return next;
  }
  async watch(resourceVersion: string, onEvent: (e: ListWatchEvent) => void, signal: AbortSignal) {
    this.watchedFrom.push(resourceVersion);
    await (this.watches.shift() ?? this.otherwise)(onEvent, signal);
  }
}

const failing = (message = 'connection reset'): WatchScript => async () => {
  throw new KubeError('Unavailable', message);
};

function record(informer: RealInformer): string[] {
  const seen: string[] = [];
  informer.onChange((type, obj, old) => seen.push(`${type} ${obj.metadata.name}@${obj.metadata.resourceVersion}${old ? ` (was @${old.metadata.resourceVersion})` : ''}`));
  return seen;
}

describe('RealInformer', () => {
  const informers: RealInformer[] = [];
  const make = (source: ListWatchSource): RealInformer => {
    const informer = new RealInformer(source, { initialBackoffMs: 100, maxBackoffMs: 1000 });
    informers.push(informer);
    return informer;
  };
  afterEach(() => {
    for (const i of informers.splice(0)) i.stop();
    vi.useRealTimers();
  });

  it('caches the first list at start, then applies watch events from the list resourceVersion on', async () => {
    const source = new ScriptedSource([{ items: [cm('a', '5')], resourceVersion: '10' }], [
      async (emit) => {
        emit({ type: 'ADDED', object: cm('b', '11') });
        emit({ type: 'MODIFIED', object: cm('a', '12', { v: '2' }) });
        emit({ type: 'BOOKMARK', object: cm('', '15') });
        emit({ type: 'DELETED', object: cm('b', '16') });
      },
    ]);
    const informer = make(source);
    const seen = record(informer);
    await informer.start();
    expect(informer.list().map((o) => o.metadata.name)).toEqual(['a']);
    await vi.waitFor(() => expect(source.watchedFrom).toEqual(['10', '16']), IO_WAIT);
    expect(seen).toEqual(['ADDED b@11', 'MODIFIED a@12 (was @5)', 'DELETED b@16 (was @11)']);
    expect(informer.get('ns', 'a')?.data).toEqual({ v: '2' });
    expect(informer.restarts).toBe(0);
  });

  it('relists on 410 Gone and reports what changed meanwhile, without counting a restart', async () => {
    const source = new ScriptedSource(
      [
        { items: [cm('keep', '1'), cm('change', '2'), cm('drop', '3')], resourceVersion: '3' },
        { items: [cm('keep', '1'), cm('change', '7'), cm('new', '8')], resourceVersion: '9' },
      ],
      [async () => Promise.reject(new KubeError('Gone', 'too old resource version', 410))],
    );
    const informer = make(source);
    const seen = record(informer);
    await informer.start();
    await vi.waitFor(() => expect(source.watchedFrom).toEqual(['3', '9']), IO_WAIT);
    expect(seen).toEqual(['DELETED drop@3 (was @3)', 'MODIFIED change@7 (was @2)', 'ADDED new@8']);
    expect(informer.restarts).toBe(0);
    expect(informer.relists).toBe(1);
  });

  it('restarts after errors with exponential backoff capped at the maximum, counting each restart', async () => {
    vi.useFakeTimers();
    const source = new ScriptedSource([{ items: [], resourceVersion: '1' }], [], failing());
    const informer = make(source);
    await informer.start();
    const calls: number[] = [];
    const started = Date.now();
    for (let t = 0; t <= 4000; t += 50) {
      while (calls.length < source.watchedFrom.length) calls.push(Date.now() - started);
      await vi.advanceTimersByTimeAsync(50);
    }
    expect(calls).toEqual([0, 100, 300, 700, 1500, 2500, 3500]);
    expect(informer.restarts).toBe(7); // every failed watch, the last one included
    expect(informer.lastError).toBeInstanceOf(KubeError);
    expect(source.watchedFrom.every((rv) => rv === '1')).toBe(true);
  });

  it('tells each failure and the wait before its retry, so a controller that retries can say why', async () => {
    vi.useFakeTimers();
    const heard: string[] = [];
    const source = new ScriptedSource([{ items: [], resourceVersion: '1' }], [failing('connection refused'), failing('connection reset')]);
    const informer = new RealInformer(source, { initialBackoffMs: 100, maxBackoffMs: 1000, onRestart: (err, ms) => heard.push(`${(err as Error).message} ${ms}`) });
    await informer.start();
    await vi.advanceTimersByTimeAsync(300);
    expect(heard).toEqual(['connection refused 100', 'connection reset 200']);
    informer.stop();
  });

  it('resets the backoff after a watch that ran normally', async () => {
    vi.useFakeTimers();
    const longWatch: WatchScript = () => new Promise((resolve) => setTimeout(resolve, 5000));
    const source = new ScriptedSource([{ items: [], resourceVersion: '1' }], [failing(), failing(), longWatch, failing()]);
    const informer = make(source);
    await informer.start();
    await vi.advanceTimersByTimeAsync(300); // two failures: waits 100 then 200
    expect(source.watchedFrom).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(5000); // the long watch ends normally, the next fails
    expect(source.watchedFrom).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(100); // back to the initial 100ms
    expect(source.watchedFrom).toHaveLength(5);
    expect(informer.restarts).toBe(3);
  });

  it('rejects start when the first list fails, and can start again', async () => {
    const source = new ScriptedSource([new KubeError('Forbidden', 'no'), { items: [cm('a', '1')], resourceVersion: '1' }], []);
    const informer = make(source);
    await expect(informer.start()).rejects.toMatchObject({ code: 'Forbidden' });
    await informer.start();
    expect(informer.list()).toHaveLength(1);
  });

  it('stop() ends a backoff wait and no watch follows', async () => {
    vi.useFakeTimers();
    const source = new ScriptedSource([{ items: [], resourceVersion: '1' }], [], failing());
    const informer = make(source);
    await informer.start();
    await vi.advanceTimersByTimeAsync(10);
    informer.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(source.watchedFrom).toHaveLength(1);
  });

  it('start() called twice waits for the same first list', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const source = new ScriptedSource([{ items: [cm('a', '1')], resourceVersion: '1' }], []);
    const list = source.list.bind(source);
    source.list = async () => {
      await gate;
      return list();
    };
    const informer = make(source);
    let second = false;
    const first = informer.start();
    void informer.start().then(() => (second = true));
    await Promise.resolve();
    expect(second).toBe(false);
    release();
    await first;
    await vi.waitFor(() => expect(second).toBe(true), IO_WAIT);
    expect(informer.list()).toHaveLength(1);
  });
});
