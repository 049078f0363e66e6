import { afterEach, describe, expect, it } from 'vitest';
import { createMetricProvider } from '../../../../src/metrics/index.js';
import { type Handler, json, type LocalServer, startServer } from '../local-server.js';
import { NEWRELIC_QUERY } from './fixtures.js';
import { type Reply, rejection, runContractOverStandIn, signal } from './harness.js';

const KEYS = { newrelic_account_id: '1234567', newrelic_query_key: 'NRIQ-secret' };
const build = (address: string, interval = 120_000) => createMetricProvider({ type: 'newrelic', address }, KEYS, { intervalMs: interval });

/** The Insights query API as documented: X-Query-Key, the account in the path, nrql. */
const standIn = (answer: Reply): Handler => (req, res) => {
  if (req.headers['x-query-key'] !== KEYS.newrelic_query_key) return json(res, 401, { error: 'Invalid query key' });
  if (req.path !== `/v1/accounts/${KEYS.newrelic_account_id}/query`) return json(res, 404, { error: 'Account not found' });
  if (!req.search.get('nrql')) return json(res, 400, { error: 'NRQL Syntax Error: missing query' });
  answer(req, res);
};

runContractOverStandIn('newrelic', build, standIn, {
  value42: (_req, res) => json(res, 200, { results: [{ result: 42 }] }),
  noData: (_req, res) => json(res, 200, { results: [{ result: null }] }),
});

describe('newrelic', () => {
  let server: LocalServer | undefined;
  afterEach(async () => server?.close());

  it('appends SINCE <interval> seconds ago, as Flagger, and reads the docs\' result', async () => {
    server = await startServer(standIn((_req, res) => json(res, 200, NEWRELIC_QUERY)));
    const nrql = "SELECT filter(sum(nginx_ingress_controller_requests), WHERE status >= '500') / sum(nginx_ingress_controller_requests) * 100 FROM Metric";
    await expect(build(server.url).query(nrql, signal())).resolves.toBe(2.16);
    expect(server.requests[0]?.search.get('nrql')).toBe(`${nrql} SINCE 120 seconds ago`);
  });

  it('a result named after its function (count) is read when it is the only number', async () => {
    server = await startServer(standIn((_req, res) => json(res, 200, { results: [{ count: 1234 }] })));
    await expect(build(server.url).query('SELECT count(*) FROM Transaction', signal())).resolves.toBe(1234);
  });

  it.each([
    ['two results', { results: [{ result: 1 }, { result: 2 }] }, 'QueryError'],
    ['a result of two numbers', { results: [{ min: 1, max: 2 }] }, 'QueryError'],
    ['no results list', { metadata: {} }, 'BadResponse'],
  ])('%s fails the check', async (_, body, code) => {
    server = await startServer(standIn((_req, res) => json(res, 200, body)));
    expect((await rejection(build(server.url).query('q', signal()))).code).toBe(code);
  });

  it('an NRQL error (400) is a QueryError with New Relic\'s words', async () => {
    server = await startServer(standIn((_req, res) => json(res, 400, { error: "NRQL Syntax Error: Error at line 1 position 8, unexpected 'FORM'" })));
    const err = await rejection(build(server.url).query('SELECT x FORM y', signal()));
    expect(err).toMatchObject({ code: 'QueryError', status: 400 });
    expect(err.message).toContain("unexpected 'FORM'");
  });

  it('the account id must be a number', () => {
    expect(() => createMetricProvider({ type: 'newrelic' }, { ...KEYS, newrelic_account_id: '../admin' })).toThrow('newrelic credentials: newrelic_account_id is not a number');
  });

  it('is online when a trivial query is accepted', async () => {
    server = await startServer(standIn((_req, res) => json(res, 200, { results: [{ events: [] }] })));
    await expect(build(server.url).isOnline(signal())).resolves.toBe(true);
    expect(server.requests[0]?.search.get('nrql')).toBe('SELECT * FROM Metric');
  });
});
