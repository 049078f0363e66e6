import { afterEach, describe, expect, it } from 'vitest';
import { createMetricProvider } from '../../../../src/metrics/index.js';
import { type Handler, json, type LocalServer, startServer } from '../local-server.js';
import { GRAPHITE_RENDER } from './fixtures.js';
import { type Reply, rejection, runContractOverStandIn, signal } from './harness.js';

const build = (address: string) => createMetricProvider({ type: 'graphite', address }, undefined);

/** Graphite's render API as documented: /render with target= and format=json. */
const standIn = (answer: Reply): Handler => (req, res) => {
  if (req.path.replace(/^\/graphite/, '') !== '/render' || req.search.get('format') !== 'json') return json(res, 404, { error: 'not found' });
  answer(req, res);
};

runContractOverStandIn('graphite', build, standIn, {
  value42: (_req, res) => json(res, 200, [{ target: 't', datapoints: [[42, 1], [null, 2]] }]),
  noData: (_req, res) => json(res, 200, [{ target: 't', datapoints: [[null, 1], [null, 2]] }]),
});

describe('graphite', () => {
  let server: LocalServer | undefined;
  afterEach(async () => server?.close());

  it('the query is the render parameters (whitespace collapsed, a path prefix kept); the docs\' example reads its last point', async () => {
    server = await startServer(standIn((_req, res) => json(res, 200, GRAPHITE_RENDER)));
    const query = `target=summarize(
      asPercent(sumSeries(stats.timers.podinfo.*.5xx), sumSeries(stats.timers.podinfo.*.total)), '1min', 'avg')&from=-1min`;
    await expect(build(`${server.url}/graphite/`).query(query, signal())).resolves.toBe(6);
    const seen = server.requests[0];
    expect(seen?.path).toBe('/graphite/render');
    expect(seen?.search.get('target')).toBe("summarize( asPercent(sumSeries(stats.timers.podinfo.*.5xx), sumSeries(stats.timers.podinfo.*.total)), '1min', 'avg')");
    expect(seen?.search.get('from')).toBe('-1min');
  });

  it('basic auth from username and password; only one of them is refused', async () => {
    server = await startServer(standIn((_req, res) => json(res, 200, GRAPHITE_RENDER)));
    await createMetricProvider({ type: 'graphite', address: server.url }, { username: 'canary', password: 's3cret' }).query('target=a', signal());
    expect(server.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('canary:s3cret').toString('base64')}`);
    expect(() => createMetricProvider({ type: 'graphite', address: server?.url }, { username: 'canary' })).toThrow('graphite credentials (provider.secretRef) need a username and a password');
  });

  it('the last non-null point across series; values sent as strings are read', async () => {
    server = await startServer(standIn((_req, res) => json(res, 200, [{ target: 'a', datapoints: [['1.5', 1]] }, { target: 'b', datapoints: [[null, 1]] }])));
    await expect(build(server.url).query('target=a&target=b', signal())).resolves.toBe(1.5);
  });

  it('an empty list (no such series) is no data; a render error page fails the check', async () => {
    server = await startServer(standIn((req, res) => (req.search.get('target') === 'missing' ? json(res, 200, []) : json(res, 500, { error: 'ValueError: bad function' }))));
    await expect(build(server.url).query('target=missing', signal())).resolves.toBeNull();
    expect((await rejection(build(server.url).query('target=bad(', signal()))).message).toContain('HTTP 500');
  });

  it('is online when the render API answers, even with no data', async () => {
    server = await startServer(standIn((_req, res) => json(res, 200, [])));
    await expect(build(server.url).isOnline(signal())).resolves.toBe(true);
  });

  it('needs an address', () => {
    expect(() => createMetricProvider({ type: 'graphite' }, undefined)).toThrow('graphite has no address: set provider.address');
  });
});
