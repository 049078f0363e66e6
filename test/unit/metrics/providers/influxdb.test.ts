import { afterEach, describe, expect, it } from 'vitest';
import { createMetricProvider } from '../../../../src/metrics/index.js';
import { splitCsvLine } from '../../../../src/metrics/influx-csv.js';
import { type Handler, json, type LocalServer, startServer, text } from '../local-server.js';
import { INFLUXDB_CSV } from './fixtures.js';
import { type Reply, rejection, runContractOverStandIn, signal } from './harness.js';

const CREDENTIALS = { token: 'influx-token', org: 'my-org' };
const build = (address: string) => createMetricProvider({ type: 'influxdb', address }, CREDENTIALS);
const csv = (res: Parameters<Reply>[1], body: string) => text(res, 200, body, 'text/csv; charset=utf-8');

/** InfluxDB 2's /api/v2/query as documented: Token auth, org, a JSON body with the Flux query. */
const standIn = (answer: Reply): Handler => (req, res) => {
  if (req.headers.authorization !== `Token ${CREDENTIALS.token}`) return json(res, 401, { code: 'unauthorized', message: 'unauthorized access' });
  if (req.method !== 'POST' || req.path !== '/api/v2/query' || req.search.get('org') !== CREDENTIALS.org) return json(res, 404, { code: 'not found', message: 'organization name "" not found' });
  const body = JSON.parse(req.body) as { query?: string; type?: string; dialect?: { annotations?: string[] } };
  if (body.type !== 'flux' || !body.query) return json(res, 400, { code: 'invalid', message: 'failed to decode request body' });
  answer(req, res);
};

const table = (value: string, datatype = 'double') => [
  `#datatype,string,long,dateTime:RFC3339,${datatype}`, '#group,false,false,false,false', '#default,_result,,,',
  ',result,table,_time,_value', `,,0,2025-03-04T05:05:00Z,${value}`, '',
].join('\r\n');

runContractOverStandIn('influxdb', build, standIn, {
  value42: (_req, res) => csv(res, table('42')),
  noData: (_req, res) => csv(res, '\r\n'),
});

describe('influxdb', () => {
  let server: LocalServer | undefined;
  afterEach(async () => server?.close());

  it('POSTs the Flux query with annotations asked for, and reads the first record of the docs\' example', async () => {
    server = await startServer(standIn((_req, res) => csv(res, INFLUXDB_CSV)));
    const flux = 'from(bucket: "podinfo") |> range(start: -1m) |> filter(fn: (r) => r._measurement == "requests") |> last()';
    await expect(build(server.url).query(flux, signal())).resolves.toBe(1.4);
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({ query: flux, type: 'flux', dialect: { header: true, annotations: ['datatype', 'group', 'default'], delimiter: ',' } });
    expect(server.requests[0]?.headers.accept).toBe('application/csv');
  });

  it.each([
    ['a long', table('7', 'long'), 7],
    ['an empty value', table(''), null],
    ['NaN', table('NaN'), null],
  ])('%s as _value', async (_, body, expected) => {
    server = await startServer(standIn((_req, res) => csv(res, body)));
    await expect(build(server.url).query('q', signal())).resolves.toBe(expected);
  });

  it.each([
    ['a string _value', table('"up"', 'string'), 'QueryError', 'the _value is a string, not a number'],
    ['no _value column', '#datatype,string,long\r\n,result,table\r\n,,0\r\n', 'QueryError', 'no _value column'],
    ['an error table', ',error,reference\r\n,"error calling function ""last"": bucket not found",897\r\n', 'QueryError', 'error calling function "last": bucket not found'],
  ])('%s fails the check', async (_, body, code, words) => {
    server = await startServer(standIn((_req, res) => csv(res, body)));
    const err = await rejection(build(server.url).query('q', signal()));
    expect(err.code).toBe(code);
    expect(err.message).toContain(words);
  });

  it('a Flux compile error (400) is a QueryError', async () => {
    server = await startServer(standIn((_req, res) => json(res, 400, { code: 'invalid', message: 'compilation failed: error at @1:1-1:5: undefined identifier frum' })));
    expect(await rejection(build(server.url).query('frum()', signal()))).toMatchObject({ code: 'QueryError', status: 400 });
  });

  it('with a Secret both token and org are needed, as in Flagger; without one, no auth', async () => {
    expect(() => createMetricProvider({ type: 'influxdb', address: 'http://influx:8086' }, { token: 't' })).toThrow('influxdb credentials (provider.secretRef) have no org');
    expect(() => createMetricProvider({ type: 'influxdb', address: 'http://influx:8086' }, { org: 'o' })).toThrow('influxdb credentials (provider.secretRef) have no token');
    server = await startServer((req, res) => csv(res, table(req.headers.authorization === undefined ? '1' : '0')));
    await expect(createMetricProvider({ type: 'influxdb', address: server.url }, undefined).query('q', signal())).resolves.toBe(1);
  });

  it('splits quoted CSV cells', () => {
    expect(splitCsvLine(',"a,b","say ""hi""",')).toEqual(['', 'a,b', 'say "hi"', '']);
  });
});
