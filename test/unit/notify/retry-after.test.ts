import { afterEach, describe, expect, it } from 'vitest';
import { deliver, NotifyError, parseRetryAfter, retryDelayMs, retryReasonOfStatus } from '../../../src/notify/index.js';
import { type SlackStandIn, startSlackStandIn } from '../../harness/index.js';
import { destination } from './fixtures.js';

const NOW = Date.parse('2026-12-04T18:00:00.000Z');

describe('retry policy', () => {
  it.each<[string | undefined, number | undefined]>([
    ['5', 5_000],
    [' 7 ', 7_000],
    ['0', 0],
    ['Fri, 04 Dec 2026 18:00:30 GMT', 30_000],
    ['Friday, 04-Dec-26 18:00:30 GMT', 30_000],
    ['Fri, 04 Dec 2026 17:59:00 GMT', 0],
    ['-1', undefined],
    ['1.5', undefined],
    ['2026-12-04T18:00:30Z', undefined],
    ['soon', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('Retry-After %j is %j ms', (header, expected) => {
    expect(parseRetryAfter(header, NOW)).toBe(expected);
  });

  it.each<[number, number | undefined, number]>([
    [0, undefined, 500],
    [1, undefined, 1_000],
    [2, undefined, 2_000],
    [10, undefined, 60_000],
    [0, 3_000, 3_000],
    [3, 0, 0],
    [0, 90_000, 60_000],
  ])('retry %i with Retry-After %j waits %i ms (base 500, limit 60 s)', (retry, retryAfter, expected) => {
    expect(retryDelayMs(retry, 500, 60_000, retryAfter)).toBe(expected);
  });

  it.each<[number, string | undefined]>([
    [429, 'rate-limited'], [500, 'server-error'], [503, 'server-error'], [400, undefined], [404, undefined], [302, undefined],
  ])('HTTP %i is retried as %j', (status, reason) => {
    expect(retryReasonOfStatus(status)).toBe(reason);
  });
});

describe('deliver to a rate-limiting Slack (the stand-in)', () => {
  let slack: SlackStandIn | undefined;
  afterEach(async () => {
    await slack?.stop();
    slack = undefined;
  });

  const send = (url: string, options = {}) => deliver(destination(url), `${url}/services/T000/B000/XXX`, { text: 'hi' }, { retryDelayMs: 1, ...options });

  it('429 with Retry-After in seconds then 200: delivered once asked, no sooner', async () => {
    slack = await startSlackStandIn();
    slack.answerNext({ status: 429, body: 'rate_limited', headers: { 'Retry-After': '1' } });
    const reasons: string[] = [];
    await send(slack.url, { onRetry: (reason: string) => reasons.push(reason) });
    expect(slack.messages).toHaveLength(2);
    const [first, second] = slack.messages.map((m) => m.receivedAt.getTime());
    expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(990);
    expect(reasons).toEqual(['rate-limited']);
  });

  it('429 with Retry-After as an HTTP date then 200: delivered', async () => {
    slack = await startSlackStandIn();
    slack.answerNext({ status: 429, headers: { 'Retry-After': new Date(Date.now() + 1_000).toUTCString() } });
    await send(slack.url);
    expect(slack.messages).toHaveLength(2);
  });

  it('a Retry-After over the limit is not waited for: one attempt and an error saying why', async () => {
    slack = await startSlackStandIn();
    slack.answerNext({ status: 429, headers: { 'Retry-After': '120' } });
    const err = await send(slack.url).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(NotifyError);
    expect((err as NotifyError).message).toBe('slack AlertProvider test/on-call: HTTP 429: error (Retry-After 120s is over the 60s limit)');
    expect(slack.messages).toHaveLength(1);
  });

  it('a Retry-After beyond what is left of the budget ends the delivery', async () => {
    slack = await startSlackStandIn();
    slack.answerNext({ status: 429, headers: { 'Retry-After': '30' } });
    await expect(send(slack.url, { budgetMs: 10_000 })).rejects.toThrow('slack AlertProvider test/on-call: HTTP 429: error');
    expect(slack.messages).toHaveLength(1);
  });

  it('the shutdown signal ends the wait for a retry with the last error', async () => {
    slack = await startSlackStandIn();
    slack.answerNext({ status: 429, headers: { 'Retry-After': '50' } });
    const shutdown = new AbortController();
    const delivery = send(slack.url, { signal: shutdown.signal }).then(() => undefined, (e: unknown) => e);
    await slack.waitFor(() => true);
    shutdown.abort();
    expect(((await delivery) as NotifyError).message).toBe('slack AlertProvider test/on-call: HTTP 429: error (not retried: shutting down)');
    expect(slack.messages).toHaveLength(1);
  });
});
