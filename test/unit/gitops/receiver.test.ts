import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GitSource } from '../../../src/api/index.js';
import { GitOpsMetrics } from '../../../src/gitops/metrics.js';
import { PUSH_PATH_PREFIX, pushReceiver, signBody, verifySignature } from '../../../src/gitops/receiver.js';
import { createHttpServer, listen } from '../../../src/server/http.js';
import { gitSourceOf } from './fixtures.js';

const TOKEN = 'webhook-s3cret';
const BODY = Buffer.from(JSON.stringify({ ref: 'refs/heads/main', after: 'abc' }));

describe('verifySignature', () => {
  it.each<[string, Buffer, string | undefined, string, boolean]>([
    ['valid', BODY, signBody(BODY, TOKEN), TOKEN, true],
    ['signed with another token', BODY, signBody(BODY, 'other'), TOKEN, false],
    ['missing', BODY, undefined, TOKEN, false],
    ['for a different body', Buffer.from('{"ref":"refs/heads/evil"}'), signBody(BODY, TOKEN), TOKEN, false],
    ['sha1 instead of sha256', BODY, signBody(BODY, TOKEN).replace('sha256=', 'sha1='), TOKEN, false],
    ['not hex', BODY, 'sha256=zzzz', TOKEN, false],
    ['truncated', BODY, signBody(BODY, TOKEN).slice(0, -2), TOKEN, false],
    ['an empty token never verifies', BODY, signBody(BODY, ''), '', false],
  ])('%s', (_name, body, header, token, expected) => {
    expect(verifySignature(body, header, token)).toBe(expected);
  });
});

describe('POST /hooks/gitsources/<namespace>/<name>', () => {
  const synced: string[] = [];
  const logged: string[] = [];
  const registry = new Registry();
  let active = true;
  let url = '';
  const sources: Record<string, GitSource> = {
    'tenant/apps': gitSourceOf({ url: 'https://git.example/apps.git', webhook: { secretRef: { name: 'hook' } } }),
    'tenant/quiet': gitSourceOf({ url: 'https://git.example/quiet.git' }, {}, 'quiet'),
    'tenant/nosecret': gitSourceOf({ url: 'https://git.example/x.git', webhook: { secretRef: { name: 'missing' } } }, {}, 'nosecret'),
  };
  const logger = pino({ level: 'info' }, { write: (line: string) => void logged.push(line) });
  const server = createHttpServer({ registry, ready: () => true }, {
    [PUSH_PATH_PREFIX]: pushReceiver({
      active: () => active,
      gitSource: (ns, name) => sources[`${ns}/${name}`],
      secret: (ns, name) => (ns === 'tenant' && name === 'hook' ? { token: TOKEN } : undefined),
      syncNow: (ns, name) => { synced.push(`${ns}/${name}`); return true; },
      logger,
      metrics: new GitOpsMetrics(registry),
    }),
  });

  beforeAll(async () => {
    await listen(server, 0, '127.0.0.1');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const post = (path: string, body: Buffer | string, signature?: string, method = 'POST') =>
    fetch(`${url}${path}`, { method, ...(method === 'POST' ? { body } : {}), headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) } });

  it.each<[string, string, Buffer | string, string | undefined, number, string[]]>([
    ['a correctly signed push: 202 and a sync now', '/hooks/gitsources/tenant/apps', BODY, signBody(BODY, TOKEN), 202, ['tenant/apps']],
    ['a wrong signature: 401, no sync', '/hooks/gitsources/tenant/apps', BODY, signBody(BODY, 'guess'), 401, []],
    ['no signature: 401', '/hooks/gitsources/tenant/apps', BODY, undefined, 401, []],
    ['the signature of another body: 401', '/hooks/gitsources/tenant/apps', '{"forged":true}', signBody(BODY, TOKEN), 401, []],
    ['an unknown GitSource: 404', '/hooks/gitsources/tenant/nope', BODY, signBody(BODY, TOKEN), 404, []],
    ['a GitSource without a webhook: 404', '/hooks/gitsources/tenant/quiet', BODY, signBody(BODY, TOKEN), 404, []],
    ['a webhook whose Secret is missing: 401', '/hooks/gitsources/tenant/nosecret', BODY, signBody(BODY, TOKEN), 401, []],
    ['a path without a name: 404', '/hooks/gitsources/tenant', BODY, signBody(BODY, TOKEN), 404, []],
  ])('%s', async (_name, path, body, signature, status, expected) => {
    synced.length = 0;
    const res = await post(path, body, signature);
    expect(res.status).toBe(status);
    expect(synced).toEqual(expected);
  });

  it('a replayed request (the same signed body again) is refused with 409 and syncs nothing; the next push syncs', async () => {
    const body = JSON.stringify({ ref: 'refs/heads/main', after: 'replayed' });
    synced.length = 0;
    expect((await post('/hooks/gitsources/tenant/apps', body, signBody(body, TOKEN))).status).toBe(202);
    const again = await post('/hooks/gitsources/tenant/apps', body, signBody(body, TOKEN));
    expect(again.status).toBe(409);
    expect(await again.text()).toMatch(/already received/);
    const next = JSON.stringify({ ref: 'refs/heads/main', after: 'next' });
    expect((await post('/hooks/gitsources/tenant/apps', next, signBody(next, TOKEN))).status).toBe(202);
    expect(synced).toEqual(['tenant/apps', 'tenant/apps']);
  });

  it('answers 405 to anything but POST', async () => {
    expect((await post('/hooks/gitsources/tenant/apps', '', undefined, 'GET')).status).toBe(405);
  });

  it('refuses a body over the limit with 413', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024, 'a');
    expect((await post('/hooks/gitsources/tenant/apps', big, signBody(big, TOKEN))).status).toBe(413);
  });

  it('a standby answers 503', async () => {
    active = false;
    try {
      expect((await post('/hooks/gitsources/tenant/apps', BODY, signBody(BODY, TOKEN))).status).toBe(503);
    } finally {
      active = true;
    }
  });

  it('never logs the body or the token, and counts what it answered', async () => {
    const all = logged.join('\n');
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain('refs/heads/main');
    expect(all).not.toContain('forged');
    const counted = (await registry.getSingleMetric('pennant_gitsource_push_notifications_total')?.get())?.values ?? [];
    expect(counted.find((v) => v.labels.result === '202')?.value).toBe(3);
    expect(counted.find((v) => v.labels.result === '409')?.value).toBe(1);
  });
});
