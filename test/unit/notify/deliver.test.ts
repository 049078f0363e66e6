import { afterEach, describe, expect, it } from 'vitest';
import { deliver, type DeliveryOptions, NotifyError, proxyConfig } from '../../../src/notify/index.js';
import { destination } from './fixtures.js';
import { closedPortUrl, type Receiver, startReceiver } from './receiver.js';

const SECRET_PATH = '/services/T000/B000/XXXXSECRET';
const fast: DeliveryOptions = { retryDelayMs: 1, timeoutMs: 2_000 };

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function failure(address: string, options: DeliveryOptions, extra = {}): Promise<NotifyError> {
  const err = await deliver(destination(address, extra), address, { text: 'hi' }, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof NotifyError)) throw new Error(`expected a NotifyError, got ${String(err)}`);
  expect(err.message).not.toContain('127.0.0.1');
  expect(err.message).not.toContain('SECRET');
  return err;
}

describe('deliver', () => {
  it('POSTs the body as JSON', async () => {
    receiver = await startReceiver(200);
    await deliver(destination(receiver.url), `${receiver.url}${SECRET_PATH}`, { text: 'hi' }, fast);
    expect(receiver.requests).toMatchObject([{ method: 'POST', path: SECRET_PATH, json: { text: 'hi' } }]);
    expect(receiver.requests[0]?.headers['content-type']).toBe('application/json');
  });

  it.each([200, 201, 202, 204, 299])('HTTP %i is delivered', async (status) => {
    receiver = await startReceiver({ status });
    await expect(deliver(destination(receiver.url), receiver.url, {}, fast)).resolves.toBeUndefined();
  });

  it.each([
    [500, [500], 4, 'slack AlertProvider test/on-call: HTTP 500: error (after 4 attempts)'],
    [503, [503, 502], 4, 'slack AlertProvider test/on-call: HTTP 502: error (after 4 attempts)'],
    [429, [429], 4, 'slack AlertProvider test/on-call: HTTP 429: error (after 4 attempts)'],
    [400, [400], 1, 'slack AlertProvider test/on-call: HTTP 400: error'],
    [404, [404], 1, 'slack AlertProvider test/on-call: HTTP 404: error'],
    [302, [{ status: 302, body: '' }], 1, 'slack AlertProvider test/on-call: HTTP 302'],
  ])('HTTP %i: %j answers, %i request(s), "%s"', async (_first, answers, requests, message) => {
    receiver = await startReceiver(...answers);
    const err = await failure(`${receiver.url}${SECRET_PATH}`, fast);
    expect(err.code).toBe('Http');
    expect(err.message).toBe(message);
    expect(receiver.requests).toHaveLength(requests);
  });

  it('5xx answers then a 2xx: delivered by the third retry, each retry told', async () => {
    receiver = await startReceiver(503, 500, 502, 200);
    const reasons: string[] = [];
    await deliver(destination(receiver.url), receiver.url, {}, { ...fast, onRetry: (reason) => reasons.push(reason) });
    expect(receiver.requests).toHaveLength(4);
    expect(reasons).toEqual(['server-error', 'server-error', 'server-error']);
  });

  it('`retries` bounds the attempts', async () => {
    receiver = await startReceiver(503);
    const err = await failure(receiver.url, { ...fast, retries: 1 });
    expect(err.message).toBe('slack AlertProvider test/on-call: HTTP 503: error (after 2 attempts)');
    expect(receiver.requests).toHaveLength(2);
  });

  it('an answer echoing the URL is scrubbed from the message', async () => {
    receiver = await startReceiver({ status: 400, body: `bad hook ${SECRET_PATH}` });
    const err = await failure(`${receiver.url}${SECRET_PATH}`, fast);
    expect(err.message).toBe('slack AlertProvider test/on-call: HTTP 400: bad hook ***');
  });

  it('connection refused: retried, then an error naming the code, not the address', async () => {
    const reasons: string[] = [];
    const err = await failure(`${await closedPortUrl()}${SECRET_PATH}`, { ...fast, onRetry: (reason) => reasons.push(reason) });
    expect(err).toMatchObject({ code: 'Unreachable', message: 'slack AlertProvider test/on-call: cannot connect (ECONNREFUSED) (after 4 attempts)' });
    expect(reasons).toEqual(['unreachable', 'unreachable', 'unreachable']);
  });

  it('no answer within the timeout: an error, not retried (the budget would be gone)', async () => {
    receiver = await startReceiver('hang');
    const err = await failure(`${receiver.url}${SECRET_PATH}`, { timeoutMs: 100, retryDelayMs: 1 });
    expect(err).toMatchObject({ code: 'Timeout', message: 'slack AlertProvider test/on-call: no answer within 0.1s' });
    expect(receiver.requests).toHaveLength(1);
  });

  it('the retry gets only what is left of the budget', async () => {
    receiver = await startReceiver(500, 'hang');
    const err = await failure(receiver.url, { timeoutMs: 5_000, retryDelayMs: 10, budgetMs: 300 });
    // The retry's own timeout, from its message: at most the budget less the wait, never the 5 s per attempt.
    const retryTimeoutS = Number(/no answer within ([0-9.]+)s \(after 2 attempts\)$/.exec(err.message)?.[1]);
    expect(retryTimeoutS).toBeGreaterThan(0);
    expect(retryTimeoutS).toBeLessThanOrEqual(0.29);
    expect(err.code).toBe('Timeout');
    expect(receiver.requests).toHaveLength(2);
  });

  it('no retry when the wait would overrun the budget', async () => {
    receiver = await startReceiver(500, 200);
    const err = await failure(receiver.url, { retryDelayMs: 50, budgetMs: 20 });
    expect(err.message).toBe('slack AlertProvider test/on-call: HTTP 500: error');
    expect(receiver.requests).toHaveLength(1);
  });

  it('a 4xx other than 429 is not retried', async () => {
    const reasons: string[] = [];
    receiver = await startReceiver(403, 200);
    await failure(receiver.url, { ...fast, onRetry: (reason) => reasons.push(reason) });
    expect(receiver.requests).toHaveLength(1);
    expect(reasons).toEqual([]);
  });

  it('goes through the proxy, with its credentials', async () => {
    receiver = await startReceiver(200);
    const target = `http://hooks.example.invalid${SECRET_PATH}`;
    await deliver(destination(target, { proxy: `http://pennant:p%40ss@127.0.0.1:${receiver.port}` }), target, { text: 'hi' }, fast);
    expect(receiver.requests).toMatchObject([{ url: target, json: { text: 'hi' } }]);
    expect(receiver.requests[0]?.headers['proxy-authorization']).toBe(`Basic ${Buffer.from('pennant:p@ss').toString('base64')}`);
  });

  it.each([
    ['http://proxy.corp:3128', { protocol: 'http', host: 'proxy.corp', port: 3128 }],
    ['https://proxy.corp', { protocol: 'https', host: 'proxy.corp', port: 443 }],
    ['http://proxy.corp', { protocol: 'http', host: 'proxy.corp', port: 80 }],
    ['http://me:secret@proxy.corp:8080', { protocol: 'http', host: 'proxy.corp', port: 8080, auth: { username: 'me', password: 'secret' } }],
  ])('proxy %s', (raw, expected) => {
    expect(proxyConfig(raw, 'x')).toEqual(expected);
  });

  it.each(['proxy.corp:3128 with spaces', 'socks5://secret@proxy.corp:1080'])('an unusable proxy (%s) is a Config error without its value', async (proxy) => {
    receiver = await startReceiver(200);
    const err = await failure(receiver.url, fast, { proxy });
    expect(err.code).toBe('Config');
    expect(err.message).not.toContain('proxy.corp');
    expect(receiver.requests).toHaveLength(0);
  });
});
