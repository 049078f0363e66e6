import { afterEach, describe, expect, it } from 'vitest';
import { createMetricProvider } from '../../../../src/metrics/index.js';
import type { Handler } from '../local-server.js';
import { json, type LocalServer, startServer } from '../local-server.js';
import { DYNATRACE_QUERY } from './fixtures.js';
import { AT, type Reply, rejection, runContractOverStandIn, signal } from './harness.js';

const TOKEN = 'dt0c01.SAMPLE.SECRET';
const build = (address: string) => createMetricProvider({ type: 'dynatrace', address }, { dynatrace_token: TOKEN }, { intervalMs: 60_000 });

/** The Metrics API v2 as documented: `Api-Token` auth, else 401 with Dynatrace's error object. */
const standIn = (answer: Reply): Handler => (req, res) => {
  if (req.headers.authorization !== `Api-Token ${TOKEN}`) return json(res, 401, { error: { code: 401, message: 'Missing authorization parameter.' } });
  if (req.path === '/api/v2/metrics') return json(res, 200, { totalCount: 1, nextPageKey: null, metrics: [{ metricId: 'builtin:host.cpu.usage' }] });
  if (req.path !== '/api/v2/metrics/query' || !req.search.get('metricSelector')) return json(res, 400, { error: { code: 400, message: 'metricSelector is missing' } });
  answer(req, res);
};

runContractOverStandIn('dynatrace', build, standIn, {
  value42: (_req, res) => json(res, 200, { result: [{ metricId: 'm', data: [{ timestamps: [1], values: [42] }] }] }),
  noData: (_req, res) => json(res, 200, { totalCount: 0, result: [{ metricId: 'm', data: [] }] }),
});

describe('dynatrace', () => {
  let server: LocalServer | undefined;
  afterEach(async () => server?.close());

  it('asks for one value (resolution Inf) over ten intervals in ms, and reads the docs\' example as Flagger does (the last series)', async () => {
    server = await startServer(standIn((_req, res) => json(res, 200, DYNATRACE_QUERY)));
    await expect(build(server.url).query('builtin:service.response.time:percentile(99)', signal(), AT)).resolves.toBe(242.4);
    expect(Object.fromEntries(server.requests[0]?.search ?? [])).toEqual({
      metricSelector: 'builtin:service.response.time:percentile(99)', resolution: 'Inf', from: String(AT.getTime() - 600_000), to: String(AT.getTime()),
    });
  });

  it('a null value is no data', async () => {
    server = await startServer(standIn((_req, res) => json(res, 200, { result: [{ data: [{ timestamps: [1], values: [null] }] }] })));
    await expect(build(server.url).query('m', signal())).resolves.toBeNull();
  });

  it('a bad token fails the check with the hint', async () => {
    server = await startServer(standIn(() => undefined));
    const err = await rejection(createMetricProvider({ type: 'dynatrace', address: server.url }, { dynatrace_token: 'nope' }).query('m', signal()));
    expect(err.message).toContain('HTTP 401 (check the credentials in provider.secretRef)');
  });

  it('needs an address (the environment) and the token', () => {
    expect(() => createMetricProvider({ type: 'dynatrace' }, { dynatrace_token: TOKEN })).toThrow('dynatrace has no address: set provider.address');
    expect(() => createMetricProvider({ type: 'dynatrace', address: 'https://abc.live.dynatrace.com' }, {})).toThrow('dynatrace credentials (provider.secretRef) have no dynatrace_token');
  });

  it('is online when the metrics list answers', async () => {
    server = await startServer(standIn(() => undefined));
    await expect(build(server.url).isOnline(signal())).resolves.toBe(true);
    expect(server.requests[0]).toMatchObject({ path: '/api/v2/metrics' });
    expect(server.requests[0]?.search.get('pageSize')).toBe('1');
  });
});
