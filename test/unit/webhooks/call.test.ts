import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Canary, CanaryWebhook } from '../../../src/api/index.js';
import { buildPayload, callWebhook } from '../../../src/webhooks/index.js';
import { closedPortUrl, startServer, text, tlsTestCert, type Handler, type LocalServer } from '../metrics/local-server.js';
import { IO_WAIT } from '../../harness/wait.js';

const canary: Canary = {
  apiVersion: 'pennant.dev/v1beta1',
  kind: 'Canary',
  metadata: { name: 'podinfo', namespace: 'test' },
  spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' }, analysis: {} },
  status: { phase: 'Progressing', lastAppliedSpec: 'abc123' },
};
const payload = buildPayload(canary, 'Progressing');
const options = () => ({ signal: new AbortController().signal, backoffBaseMs: 1 });

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function hookServer(handler: Handler, tls?: { key: string; cert: string }) {
  server = await startServer(handler, tls);
  return server;
}

/** Answers with the given statuses in turn, repeating the last. */
const statuses = (...codes: number[]): Handler => {
  let n = 0;
  return (_req, res) => text(res, codes[Math.min(n++, codes.length - 1)] ?? 500, `answer ${n}`);
};

const hook = (url: string, extra: Partial<CanaryWebhook> = {}): CanaryWebhook => ({ name: 'load-test', url, ...extra });

describe('callWebhook', () => {
  it.each([
    [200, true], [201, true], [202, true], [203, false], [204, false], [299, false], [302, false], [400, false],
    [403, false], [500, false],
  ])('HTTP %i passes: %s', async (status, ok) => {
    const s = await hookServer((_req, res) => text(res, status, status === 204 ? '' : `body ${status}`));
    const result = await callWebhook(hook(s.url), payload, options());
    expect(result).toMatchObject({ name: 'load-test', type: 'rollout', ok, status });
    if (!ok) expect(result.message).toBe(status === 204 ? 'HTTP 204' : `body ${status}`);
  });

  it('POSTs the JSON payload with the hook metadata', async () => {
    const s = await hookServer((_req, res) => text(res, 200, 'ok'));
    await callWebhook(hook(`${s.url}/gate/check`, { type: 'confirm-rollout', metadata: { cmd: 'hey -z 1m' } }), payload, options());
    const [req] = s.requests;
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/gate/check');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req?.body ?? '')).toEqual({
      name: 'podinfo', namespace: 'test', phase: 'Progressing', checksum: payload.checksum, metadata: { cmd: 'hey -z 1m' },
    });
  });

  it('sends the Idempotency-Key it is given, the same on every retry, and none when not given', async () => {
    const s = await hookServer(statuses(503, 503, 200));
    const result = await callWebhook(hook(s.url, { retries: 2 }), payload, { ...options(), idempotencyKey: 'pennant-abc' });
    expect(result.ok).toBe(true);
    expect(s.requests.map((r) => r.headers['idempotency-key'])).toEqual(['pennant-abc', 'pennant-abc', 'pennant-abc']);
    await callWebhook(hook(s.url), payload, options());
    expect(s.requests.at(-1)?.headers['idempotency-key']).toBeUndefined();
  });

  it.each([
    ['no metadata', undefined],
    ['empty metadata', {}],
  ])('omits metadata when the hook has %s', async (_case, metadata) => {
    const s = await hookServer((_req, res) => text(res, 200, ''));
    await callWebhook(hook(s.url, { ...(metadata && { metadata }) }), payload, options());
    expect(Object.keys(JSON.parse(s.requests[0]?.body ?? ''))).toEqual(['name', 'namespace', 'phase', 'checksum']);
  });

  it.each<[string, number[], number | undefined, number, boolean]>([
    ['500 is retried', [500], 2, 3, false],
    ['429 is retried', [429], 2, 3, false],
    ['503 is retried', [503], 1, 2, false],
    ['501 is not retried', [501], 2, 1, false],
    ['400 is not retried', [400], 2, 1, false],
    ['403 is not retried', [403], 2, 1, false],
    ['200 needs no retry', [200], 2, 1, true],
    ['no retries by default', [500], undefined, 1, false],
    ['500 then 200 passes', [500, 500, 200], 3, 3, true],
  ])('%s', async (_case, codes, retries, requests, ok) => {
    const s = await hookServer(statuses(...codes));
    const result = await callWebhook(hook(s.url, { ...(retries !== undefined && { retries }) }), payload, options());
    expect(s.requests).toHaveLength(requests);
    expect(result.ok).toBe(ok);
    if (!ok && requests > 1) expect(result.message).toBe(`answer ${requests} (after ${requests} attempts)`);
  });

  it('retries a dropped connection', async () => {
    const s = await hookServer((_req, res) => {
      if (s.requests.length < 2) res.socket?.destroy();
      else text(res, 200, 'ok');
    });
    const result = await callWebhook(hook(s.url, { retries: 3 }), payload, options());
    expect(result.ok).toBe(true);
    expect(s.requests).toHaveLength(2);
  });

  it('times out each attempt', async () => {
    const s = await hookServer(() => undefined);
    const result = await callWebhook(hook(s.url, { timeout: '100ms', retries: 1 }), payload, options());
    expect(result.ok).toBe(false);
    expect(result.message).toBe(`${s.url} timed out after 0.1s (after 2 attempts)`);
    expect(s.requests).toHaveLength(2);
  });

  it('stops retrying when cancelled', async () => {
    const s = await hookServer(statuses(500));
    const controller = new AbortController();
    const pending = callWebhook(hook(s.url, { retries: 5 }), payload, { signal: controller.signal, backoffBaseMs: 60_000 });
    // abort once the first attempt has been answered, so the test does not depend on machine speed
    await vi.waitFor(() => expect(s.requests).toHaveLength(1), IO_WAIT);
    controller.abort();
    const result = await pending;
    expect(result.ok).toBe(false);
    expect(s.requests).toHaveLength(1);
  });

  it('never names the userinfo, path or query string of the URL', async () => {
    const url = new URL(await closedPortUrl());
    Object.assign(url, { username: 'robot', password: 'pa55word', pathname: '/hooks/T0K3N', search: '?token=s3cr3t' });
    const result = await callWebhook(hook(url.toString(), { retries: 1 }), payload, options());
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/^POST to http:\/\/127\.0\.0\.1:\d+ failed: .*ECONNREFUSED.* \(after 2 attempts\)$/);
    expect(result.message).not.toMatch(/robot|pa55word|T0K3N|s3cr3t/);
  });

  it('trims a long body to 500 characters', async () => {
    const s = await hookServer((_req, res) => text(res, 500, `  ${'x'.repeat(2_000)}  `));
    const result = await callWebhook(hook(s.url), payload, options());
    expect(result.message).toBe(`${'x'.repeat(500)}…`);
  });

  it.each([
    ['an invalid timeout', { timeout: 'soon' }, 'invalid timeout "soon"'],
    ['a non-http URL', { url: 'ftp://example.com/x' }, 'url is not a valid http(s) URL'],
  ])('fails on %s without calling', async (_case, extra, message) => {
    const s = await hookServer(statuses(200));
    const result = await callWebhook(hook(s.url, extra), payload, options());
    expect(result).toMatchObject({ ok: false, message });
    expect(s.requests).toHaveLength(0);
  });

  const tls = tlsTestCert();
  it.skipIf(tls.skip).each([
    [false, false],
    [true, true],
  ])('https with a self-signed certificate, disableTLS %s passes: %s', async (disableTLS, ok) => {
    const s = await hookServer(statuses(200), tls.cert());
    const result = await callWebhook(hook(s.url, { disableTLS, retries: 2 }), payload, options());
    expect(result.ok).toBe(ok);
    if (!ok) expect(result.message).not.toMatch(/after \d attempts/); // certificate errors are not retried
  });
});
