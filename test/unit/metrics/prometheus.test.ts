import type http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { MetricError, PrometheusProvider, collapseWhitespace, prometheusAuth, type PrometheusConfig } from '../../../src/metrics/index.js';
import { closedPortUrl, json, startServer, text, tlsTestCert, type LocalServer, type SeenRequest } from './local-server.js';

const sample = (value: string) => ({ metric: {}, value: [1_700_000_000.5, value] });
const vector = (...values: string[]) => ({ status: 'success', data: { resultType: 'vector', result: values.map(sample) } });
const signal = () => new AbortController().signal;

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function fakePrometheus(answer: (req: SeenRequest, res: http.ServerResponse) => void, tls?: { key: string; cert: string }) {
  server = await startServer(answer, tls);
  return server;
}

const provider = (address: string, config: Partial<PrometheusConfig> = {}) =>
  new PrometheusProvider({ address, auth: { kind: 'none' }, ...config });

async function queryError(promise: Promise<unknown>): Promise<MetricError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(MetricError);
  return err as MetricError;
}

describe('PrometheusProvider answers', () => {
  it.each([
    ['a vector with one sample', vector('42.5'), 42.5],
    ['a scalar', { status: 'success', data: { resultType: 'scalar', result: [1_700_000_000, '7'] } }, 7],
    ['an empty vector (no data)', vector(), null],
    ['NaN (no data)', vector('NaN'), null],
    ['+Inf (no data)', vector('+Inf'), null],
    ['-Inf (no data)', vector('-Inf'), null],
    ['zero', vector('0'), 0],
  ])('%s', async (_case, body, expected) => {
    const prom = await fakePrometheus((_req, res) => json(res, 200, body));
    await expect(provider(prom.url).query('up', signal())).resolves.toBe(expected);
  });

  it.each<[string, (res: http.ServerResponse) => void, MetricError['code'], RegExp]>([
    ['a range vector', (res) => json(res, 200, { status: 'success', data: { resultType: 'matrix', result: [] } }),
      'QueryError', /range vector: use an instant query/],
    ['several series', (res) => json(res, 200, vector('1', '2', '3')), 'QueryError', /returned 3 series.*sum\(\.\.\.\)/],
    ['a string', (res) => json(res, 200, { status: 'success', data: { resultType: 'string', result: [1, 'x'] } }),
      'QueryError', /string/],
    ['status error (bad_data, HTTP 400)',
      (res) => json(res, 400, { status: 'error', errorType: 'bad_data', error: 'parse error at char 4: unexpected "}"' }),
      'QueryError', /HTTP 400\): bad_data: parse error at char 4/],
    ['HTTP 500 with a JSON error', (res) => json(res, 500, { status: 'error', errorType: 'execution', error: 'query timed out' }),
      'QueryError', /HTTP 500\): execution: query timed out/],
    ['an HTML page with 200', (res) => text(res, 200, '<!DOCTYPE html><html>Grafana</html>', 'text/html'),
      'BadResponse', /not its query API with an HTML page/],
    ['an HTML error page', (res) => text(res, 502, '<html><body>Bad Gateway</body></html>', 'text/html'),
      'BadResponse', /HTTP 502 with an HTML page/],
    ['plain text 503', (res) => text(res, 503, 'upstream connect error'), 'BadResponse', /HTTP 503: upstream connect error/],
    ['non-JSON 200', (res) => text(res, 200, 'ok'), 'BadResponse', /not its query API: ok/],
    ['a non-numeric sample', (res) => json(res, 200, vector('abc')), 'BadResponse', /not a number/],
  ])('%s is an error', async (_case, answer, code, message) => {
    const prom = await fakePrometheus((_req, res) => answer(res));
    const err = await queryError(provider(prom.url).query('up', signal()));
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
    expect(err.message).toContain(`prometheus at ${prom.url}`);
  });
});

describe('PrometheusProvider requests', () => {
  it('sends an instant query with whitespace collapsed, below the address path', async () => {
    const prom = await fakePrometheus((_req, res) => json(res, 200, vector('1')));
    await provider(`${prom.url}/prometheus/`).query('\n  sum(\n\trate(x{a="b"}[1m])\n  )  \n', signal());
    expect(prom.requests).toHaveLength(1);
    expect(prom.requests[0]?.method).toBe('GET');
    expect(prom.requests[0]?.path).toBe('/prometheus/api/v1/query');
    expect(prom.requests[0]?.search.get('query')).toBe('sum( rate(x{a="b"}[1m]) )');
  });

  it.each<[string, Partial<PrometheusConfig>, Record<string, string | undefined>]>([
    ['no credentials', {}, { authorization: undefined }],
    ['a bearer token', { auth: { kind: 'bearer', token: 't0k3n' } }, { authorization: 'Bearer t0k3n' }],
    ['basic auth', { auth: { kind: 'basic', username: 'alice', password: 'pw' } },
      { authorization: `Basic ${Buffer.from('alice:pw').toString('base64')}` }],
    ['headers as-is', { headers: { 'X-Scope-OrgID': ['tenant-a'], 'X-Multi': ['a', 'b'] } },
      { 'x-scope-orgid': 'tenant-a', 'x-multi': 'a, b' }],
    ['credentials over a literal Authorization header',
      { headers: { Authorization: ['Bearer literal'] }, auth: { kind: 'bearer', token: 'fromsecret' } },
      { authorization: 'Bearer fromsecret' }],
  ])('sends %s', async (_case, config, expected) => {
    const prom = await fakePrometheus((_req, res) => json(res, 200, vector('1')));
    await provider(prom.url, config).query('up', signal());
    for (const [name, value] of Object.entries(expected)) expect(prom.requests[0]?.headers[name]).toBe(value);
  });

  it('is online when vector(1) answers 1', async () => {
    const prom = await fakePrometheus((_req, res) => json(res, 200, vector('1')));
    await expect(provider(prom.url).isOnline(signal())).resolves.toBe(true);
    expect(prom.requests[0]?.search.get('query')).toBe('vector(1)');
  });

  it('times out when the server never answers', async () => {
    const prom = await fakePrometheus(() => undefined);
    const err = await queryError(provider(prom.url, { timeoutMs: 150 }).query('up', signal()));
    expect(err.code).toBe('Timeout');
    expect(err.message).toMatch(/timed out after 0\.15s$/);
  });

  it('is cancelled by the caller signal', async () => {
    const prom = await fakePrometheus(() => undefined);
    const controller = new AbortController();
    const pending = provider(prom.url).query('up', controller.signal);
    setTimeout(() => controller.abort(), 20);
    expect((await queryError(pending)).code).toBe('Aborted');
  });

  it('reports a closed port as unreachable, without the credentials of the address', async () => {
    const url = new URL(await closedPortUrl());
    url.username = 'admin';
    url.password = 'hunter2';
    const err = await queryError(provider(url.toString()).query('up', signal()));
    expect(err.code).toBe('Unreachable');
    expect(err.message).toMatch(/ECONNREFUSED/);
    expect(err.message).not.toMatch(/hunter2|admin/);
  });

  const tls = tlsTestCert();
  it.skipIf(tls.skip).each([
    [false, 'Unreachable'],
    [true, null],
  ])('https with a self-signed certificate, insecureSkipVerify %s', async (insecureSkipVerify, code) => {
    const prom = await fakePrometheus((_req, res) => json(res, 200, vector('3')), tls.cert());
    const result = provider(prom.url, { insecureSkipVerify }).query('up', signal());
    if (code === null) await expect(result).resolves.toBe(3);
    else expect((await queryError(result)).code).toBe(code);
  });
});

describe('PrometheusProvider config', () => {
  it.each([
    ['not a URL', 'prometheus:9090:x'],
    ['another scheme', 'ftp://prometheus:9090'],
  ])('rejects an address that is %s', (_case, address) => {
    expect(() => provider(address)).toThrow(MetricError);
  });

  it.each<[string, Record<string, string> | undefined, string | RegExp]>([
    ['no secret', undefined, 'none'],
    ['a token', { token: 'abc' }, 'bearer'],
    ['a token and a username/password (token wins)', { token: 'abc', username: 'u', password: 'p' }, 'bearer'],
    ['username and password', { username: 'u', password: 'p' }, 'basic'],
    ['a username only', { username: 'u' }, /username but no password/],
    ['a password only', { password: 'p' }, /password but no username/],
    ['neither', { other: 'x' }, /need a token, or a username and a password/],
  ])('credentials with %s', (_case, credentials, expected) => {
    if (expected instanceof RegExp) expect(() => prometheusAuth(credentials)).toThrow(expected);
    else expect(prometheusAuth(credentials).kind).toBe(expected);
  });

  it('never puts a credential in a config error', () => {
    try {
      prometheusAuth({ username: 'sekret-user' });
    } catch (err) {
      expect(String(err)).not.toContain('sekret-user');
    }
  });

  it.each([
    ['  a\n\tb  ', 'a b'],
    ['sum(\n  rate(x[1m])\n)', 'sum( rate(x[1m]) )'],
  ])('collapses whitespace in %j', (query, expected) => {
    expect(collapseWhitespace(query)).toBe(expected);
  });
});
