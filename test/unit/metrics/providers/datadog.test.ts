import { afterEach, describe, expect, it } from 'vitest';
import { createMetricProvider, MetricError } from '../../../../src/metrics/index.js';
import { json, type LocalServer, startServer, text } from '../local-server.js';
import { DATADOG_QUERY } from './fixtures.js';
import { AT, type Reply, rejection, runContractOverStandIn, signal } from './harness.js';

const KEYS = { datadog_api_key: 'api-key-1', datadog_application_key: 'app-key-1' };
const build = (address: string, interval = 60_000) => createMetricProvider({ type: 'datadog', address }, KEYS, { intervalMs: interval });

/** Datadog's API as documented: the two keys as headers, or 403 {"errors": ["Forbidden"]}. */
const standIn = (answer: Reply) => ((req, res) => {
  if (req.headers['dd-api-key'] !== KEYS.datadog_api_key || req.headers['dd-application-key'] !== KEYS.datadog_application_key) return json(res, 403, { errors: ['Forbidden'] });
  if (req.path === '/api/v1/validate') return json(res, 200, { valid: true });
  if (req.path !== '/api/v1/query' || !req.search.get('query') || !req.search.get('from') || !req.search.get('to')) return json(res, 400, { errors: ['query, from and to are required'] });
  answer(req, res);
}) satisfies Parameters<typeof startServer>[0];

runContractOverStandIn('datadog', build, standIn, {
  value42: (_req, res) => json(res, 200, { ...DATADOG_QUERY, series: [{ pointlist: [[1, 42], [2, 7]] }] }),
  noData: (_req, res) => json(res, 200, { ...DATADOG_QUERY, series: [] }),
});

describe('datadog', () => {
  let server: LocalServer | undefined;
  afterEach(async () => server?.close());

  it('asks /api/v1/query for the ten intervals before the step and reads the first point of the docs\' example', async () => {
    server = await startServer(standIn((_req, res) => json(res, 200, DATADOG_QUERY)));
    await expect(build(server.url, 30_000).query('avg:system.cpu.user{*}', signal(), AT)).resolves.toBe(0.5);
    const to = AT.getTime() / 1000;
    expect(Object.fromEntries(server.requests[0]?.search ?? [])).toEqual({ query: 'avg:system.cpu.user{*}', from: String(to - 300), to: String(to) });
  });

  it.each([
    ['a null value', { series: [{ pointlist: [[1, null]] }] }],
    ['a series without points', { series: [{ pointlist: [] }] }],
  ])('%s is no data', async (_, body) => {
    server = await startServer(standIn((_req, res) => json(res, 200, body)));
    await expect(build(server.url).query('q', signal(), AT)).resolves.toBeNull();
  });

  it('wrong keys: the 403 fails the check with a hint, never the keys', async () => {
    server = await startServer(standIn(() => undefined));
    const err = await rejection(createMetricProvider({ type: 'datadog', address: server.url }, { datadog_api_key: 'wrong', datadog_application_key: 'x' }).query('q', signal()));
    expect(err.message).toBe(`datadog at ${server.url}: HTTP 403 (check the credentials in provider.secretRef): {"errors":["Forbidden"]}`);
    expect(err.message).not.toContain('wrong');
  });

  it.each([
    ['an answer that is not JSON', (res: Parameters<Reply>[1]) => text(res, 200, '<html>login</html>', 'text/html'), 'BadResponse'],
    ['a status "error"', (res: Parameters<Reply>[1]) => json(res, 200, { status: 'error', error: 'Rule parse error' }), 'QueryError'],
    ['no series list', (res: Parameters<Reply>[1]) => json(res, 200, { status: 'ok' }), 'BadResponse'],
  ])('%s fails the check', async (_, reply, code) => {
    server = await startServer(standIn((_req, res) => reply(res)));
    expect((await rejection(build(server.url).query('q', signal()))).code).toBe(code);
  });

  it.each([
    [{}, 'datadog credentials (provider.secretRef) have no datadog_api_key'],
    [{ datadog_api_key: 'k' }, 'datadog credentials (provider.secretRef) have no datadog_application_key'],
  ])('credentials %j are refused, naming the missing key', (credentials, message) => {
    expect(() => createMetricProvider({ type: 'datadog' }, credentials)).toThrow(new MetricError('Config', message));
  });

  it('without a secretRef: says to set one', () => {
    expect(() => createMetricProvider({ type: 'datadog' }, undefined)).toThrow('datadog needs provider.secretRef: a Secret with datadog_api_key');
  });

  it('is online when /api/v1/validate accepts the keys', async () => {
    server = await startServer(standIn(() => undefined));
    await expect(build(server.url).isOnline(signal())).resolves.toBe(true);
    expect(server.requests[0]?.path).toBe('/api/v1/validate');
  });
});
