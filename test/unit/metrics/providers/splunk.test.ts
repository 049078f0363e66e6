import { afterEach, describe, expect, it } from 'vitest';
import { createMetricProvider } from '../../../../src/metrics/index.js';
import { streamHost } from '../../../../src/metrics/splunk.js';
import { type Handler, json, type LocalServer, startServer, text } from '../local-server.js';
import { SIGNALFLOW_STREAM } from './fixtures.js';
import { AT, type Reply, rejection, runContractOverStandIn, signal } from './harness.js';

const TOKEN = 'sf-token';
const build = (address: string) => createMetricProvider({ type: 'splunk', address }, { sf_token_key: TOKEN }, { intervalMs: 30_000 });
const events = (res: Parameters<Reply>[1], body: string) => text(res, 200, body, 'text/event-stream');
const dataEvent = (tsId: string, value: number | null) => `event: data\ndata: { "data" : [ { "tsId" : "${tsId}", "value" : ${String(value)} } ], "logicalTimestampMs" : 1 }\n\n`;

/** SignalFlow's HTTP execute endpoint as documented: X-SF-Token, the program as the body, start/stop in ms. */
const standIn = (answer: Reply): Handler => (req, res) => {
  if (req.headers['x-sf-token'] !== TOKEN) return json(res, 401, { code: 401, message: 'Unauthorized' });
  if (req.path === '/v2/metric') return json(res, 200, { count: 1, results: [{ name: 'cpu.utilization' }] });
  if (req.method !== 'POST' || req.path !== '/v2/signalflow/execute' || req.search.get('immediate') !== 'true' || !req.body) return json(res, 400, { code: 400, message: 'bad request' });
  answer(req, res);
};

runContractOverStandIn('splunk', build, standIn, {
  value42: (_req, res) => events(res, dataEvent('AAAA', 42)),
  noData: (_req, res) => events(res, 'event: control-message\ndata: { "event" : "END_OF_CHANNEL" }\n\n'),
});

describe('splunk', () => {
  let server: LocalServer | undefined;
  afterEach(async () => server?.close());

  it('POSTs the program with ten intervals before the step and reads the last value of the docs\' stream', async () => {
    server = await startServer(standIn((_req, res) => events(res, SIGNALFLOW_STREAM)));
    const program = "data('cpu.utilization', filter=filter('kubernetes_name', 'podinfo')).mean().publish()";
    await expect(build(server.url).query(program, signal(), AT)).resolves.toBe(4.25);
    expect(server.requests[0]?.body).toBe(program);
    expect(Object.fromEntries(server.requests[0]?.search ?? [])).toEqual({ start: String(AT.getTime() - 300_000), stop: String(AT.getTime()), immediate: 'true' });
  });

  it('two time series fail the check, as in Flagger; null values are skipped', async () => {
    server = await startServer(standIn((req, res) => events(res, req.body === 'two' ? dataEvent('A', 1) + dataEvent('B', 2) : dataEvent('A', 3) + dataEvent('A', null))));
    expect((await rejection(build(server.url).query('two', signal()))).message).toContain('the program published 2 time series, not one');
    await expect(build(server.url).query('one', signal())).resolves.toBe(3);
  });

  it('an error event (a program that does not compile) is a QueryError with its message', async () => {
    server = await startServer(standIn((_req, res) => events(res, 'event: error\ndata: { "error" : 400, "errorType" : "PROGRAM_COMPILE_ERROR", "message" : "syntax error at line 1" }\n\n')));
    const err = await rejection(build(server.url).query('data(', signal()));
    expect(err).toMatchObject({ code: 'QueryError' });
    expect(err.message).toContain('program failed: syntax error at line 1');
  });

  it('a JSON answer instead of a stream fails the check', async () => {
    server = await startServer(standIn((_req, res) => json(res, 200, { ok: true })));
    expect((await rejection(build(server.url).query('p', signal()))).message).toContain('not an event stream');
  });

  it('the stream host of a realm\'s API address, as Flagger derives it; the stream address is also taken', () => {
    expect(streamHost(new URL('https://api.us1.signalfx.com')).toString()).toBe('https://stream.us1.signalfx.com/');
    expect(() => createMetricProvider({ type: 'splunk', address: 'wss://stream.eu0.signalfx.com' }, { sf_token_key: TOKEN })).not.toThrow();
    expect(() => createMetricProvider({ type: 'splunk', address: 'https://api.eu0.signalfx.com' }, {})).toThrow('splunk credentials (provider.secretRef) have no sf_token_key');
  });

  it('is online when the metric list answers with the token', async () => {
    server = await startServer(standIn(() => undefined));
    await expect(build(server.url).isOnline(signal())).resolves.toBe(true);
    expect(server.requests[0]?.search.get('limit')).toBe('1');
  });
});
