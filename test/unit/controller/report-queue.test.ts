import { describe, expect, it } from 'vitest';
import { ReportQueue } from '../../../src/controller/report-queue.js';

const gate = () => {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
};

describe('ReportQueue', () => {
  it('runs one Canary\'s jobs in order, and another Canary\'s beside them', async () => {
    const queue = new ReportQueue(4);
    const done: string[] = [];
    const slow = gate();
    queue.enqueue('a', async () => { await slow.opened; done.push('a1'); });
    queue.enqueue('a', async () => { done.push('a2'); });
    queue.enqueue('b', async () => { done.push('b1'); });
    await expect.poll(() => done).toEqual(['b1']);
    slow.open();
    await queue.drain(60_000);
    expect(done).toEqual(['b1', 'a1', 'a2']);
    expect(queue.size).toBe(0);
  });

  it('runs at most `concurrency` jobs at once', async () => {
    const queue = new ReportQueue(2);
    let running = 0;
    let most = 0;
    const release = gate();
    for (const key of ['a', 'b', 'c', 'd']) {
      queue.enqueue(key, async () => {
        running++;
        most = Math.max(most, running);
        await release.opened;
        running--;
      });
    }
    await expect.poll(() => running).toBe(2);
    release.open();
    await queue.drain(60_000);
    expect(most).toBe(2);
  });

  it('a failing job is reported and does not stop the next one of the same Canary', async () => {
    const errors: string[] = [];
    const queue = new ReportQueue(2, (key, err) => errors.push(`${key}: ${(err as Error).message}`));
    const done: string[] = [];
    queue.enqueue('a', async () => { throw new Error('slack down'); });
    queue.enqueue('a', async () => { done.push('a2'); });
    await queue.drain(60_000);
    expect(errors).toEqual(['a: slack down']);
    expect(done).toEqual(['a2']);
  });

  it('drain gives up after its bound when a job never ends', async () => {
    const queue = new ReportQueue(2);
    queue.enqueue('a', () => new Promise(() => undefined));
    await queue.drain(50);
    expect(queue.size).toBe(1);
  });
});
