import { afterEach, describe, expect, it } from 'vitest';
import { signV4 } from '../../../../src/metrics/aws-sigv4.js';
import { createMetricProvider, type MetricProvider } from '../../../../src/metrics/index.js';
import { type Handler, json, type LocalServer, type SeenRequest, startServer } from '../local-server.js';
import { CLOUDWATCH_GET_METRIC_DATA } from './fixtures.js';
import { AT, type Reply, rejection, runContractOverStandIn, signal } from './harness.js';

const KEYS = { aws_access_key_id: 'AKIDEXAMPLE', aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const QUERY = JSON.stringify([{ Id: 'm1', MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'HTTPCode_Target_5XX_Count', Dimensions: [{ Name: 'TargetGroup', Value: 'podinfo' }] }, Period: 60, Stat: 'Sum' }, ReturnData: true }]);
const build = (address: string, keys: Record<string, string> = KEYS) => createMetricProvider({ type: 'cloudwatch', address, region: 'eu-west-1' }, keys, { intervalMs: 60_000 });

/** Recomputes the SigV4 signature of a request as AWS would, from the secret the stand-in knows. */
function signatureValid(req: SeenRequest): boolean {
  const auth = String(req.headers.authorization ?? '');
  const signed = /SignedHeaders=([^,]+)/.exec(auth)?.[1]?.split(';') ?? [];
  const headers = Object.fromEntries(signed.filter((h) => h !== 'host' && h !== 'x-amz-date').map((h) => [h, String(req.headers[h])]));
  const amzDate = String(req.headers['x-amz-date']);
  const now = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  const url = new URL(`http://${String(req.headers.host)}${req.path}`);
  const expected = signV4({ method: req.method, url, headers, body: req.body, region: 'eu-west-1', service: 'monitoring', now }, { accessKeyId: KEYS.aws_access_key_id, secretAccessKey: KEYS.aws_secret_access_key });
  return expected.authorization === auth;
}

/** GetMetricData over AWS JSON 1.0 as documented; a bad signature is AWS's 403 SignatureDoesNotMatch. */
const standIn = (answer: Reply): Handler => (req, res) => {
  if (req.headers['x-amz-target'] !== 'GraniteServiceVersion20100801.GetMetricData' || req.headers['content-type'] !== 'application/x-amz-json-1.0') return json(res, 400, { __type: 'UnknownOperationException' });
  if (!signatureValid(req)) return json(res, 403, { __type: 'com.amazon.coral.service#SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided.' });
  const body = JSON.parse(req.body) as { MetricDataQueries?: unknown[] };
  if (!body.MetricDataQueries?.length) return json(res, 400, { __type: 'com.amazon.coral.validate#ValidationException', message: '1 validation error detected' });
  answer(req, res);
};

/** The contract asks for "q"; CloudWatch's queries are JSON, so the contract's query is a real one. */
const withRealQuery = (provider: MetricProvider): MetricProvider => ({ ...provider, query: (_query, abort, at) => provider.query(QUERY, abort, at) });

runContractOverStandIn('cloudwatch', (address) => withRealQuery(build(address)), standIn, {
  value42: (_req, res) => json(res, 200, { MetricDataResults: [{ Id: 'm1', Values: [42], Timestamps: [1], StatusCode: 'Complete' }] }),
  noData: (_req, res) => json(res, 200, { MetricDataResults: [{ Id: 'm1', Values: [], Timestamps: [], StatusCode: 'Complete' }] }),
});

describe('cloudwatch', () => {
  let server: LocalServer | undefined;
  afterEach(async () => server?.close());

  it('signs GetMetricData with SigV4, asks for ten intervals before the step, and reads the first value of the docs\' example', async () => {
    server = await startServer(standIn((_req, res) => json(res, 200, CLOUDWATCH_GET_METRIC_DATA)));
    await expect(build(server.url).query(QUERY, signal(), AT)).resolves.toBe(0.005);
    const body = JSON.parse(server.requests[0]?.body ?? '{}') as Record<string, unknown>;
    expect(body).toEqual({ StartTime: AT.getTime() / 1000 - 600, EndTime: AT.getTime() / 1000, MaxDatapoints: 20, MetricDataQueries: JSON.parse(QUERY) });
    expect(server.requests[0]?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/monitoring\/aws4_request, SignedHeaders=accept;content-type;host;x-amz-date;x-amz-target, Signature=[0-9a-f]{64}$/);
  });

  it('a wrong secret is refused by the signature check, and the message holds no secret', async () => {
    server = await startServer(standIn(() => undefined));
    const err = await rejection(build(server.url, { ...KEYS, aws_secret_access_key: 'not-the-secret' }).query(QUERY, signal()));
    expect(err.message).toContain('HTTP 403 (check the credentials in provider.secretRef)');
    expect(err.message).not.toContain('not-the-secret');
  });

  it('a session token is sent and signed', async () => {
    server = await startServer((req, res) => json(res, 200, { MetricDataResults: [{ Values: [1], seen: req.headers['x-amz-security-token'] }] }));
    await build(server.url, { ...KEYS, aws_session_token: 'session-1' }).query(QUERY, signal());
    expect(server.requests[0]?.headers['x-amz-security-token']).toBe('session-1');
    expect(String(server.requests[0]?.headers.authorization)).toContain('x-amz-security-token');
  });

  it.each([
    ['not JSON', 'avg(cpu)', 'cloudwatch query is not JSON: write the list of MetricDataQuery objects'],
    ['an empty list', '[]', 'cloudwatch query must be a non-empty JSON list of MetricDataQuery objects'],
    ['a query without Id', '[{"Expression":"SUM(m)"}]', 'cloudwatch query: every MetricDataQuery needs an "Id"'],
  ])('a query that is %s fails the check before anything is sent', async (_, query, message) => {
    server = await startServer(standIn(() => undefined));
    const err = await rejection(build(server.url).query(query, signal()));
    expect(err).toMatchObject({ code: 'QueryError' });
    expect(err.message).toContain(message);
    expect(server.requests).toHaveLength(0);
  });

  it('a result whose status is Forbidden fails the check', async () => {
    server = await startServer(standIn((_req, res) => json(res, 200, { MetricDataResults: [{ Id: 'm1', Values: [], StatusCode: 'Forbidden' }] })));
    expect((await rejection(build(server.url).query(QUERY, signal()))).code).toBe('QueryError');
  });

  it('needs a region and both keys; the default address is the region\'s endpoint', () => {
    expect(() => createMetricProvider({ type: 'cloudwatch' }, KEYS)).toThrow('cloudwatch needs provider.region (e.g. us-east-1)');
    expect(() => createMetricProvider({ type: 'cloudwatch', region: 'eu-west-1' }, { aws_access_key_id: 'a' })).toThrow('cloudwatch credentials (provider.secretRef) have no aws_secret_access_key');
    expect(() => createMetricProvider({ type: 'cloudwatch', region: 'eu west' }, KEYS)).toThrow('is not a region name');
  });

  it('a template without a secretRef (as in Flagger\'s docs) builds, then fails each check saying why, sending nothing', async () => {
    server = await startServer(standIn(() => undefined));
    const provider = createMetricProvider({ type: 'cloudwatch', address: server.url, region: 'ap-northeast-1' }, undefined);
    const err = await rejection(provider.query(QUERY, signal()));
    expect(err).toMatchObject({ code: 'Config' });
    expect(err.message).toContain('no provider.secretRef: Pennant does not take AWS credentials from its environment (IRSA, instance roles) yet');
    expect(server.requests).toHaveLength(0);
  });

  it('is online when an empty request gets the 400 of a CloudWatch that took the credentials (as Flagger)', async () => {
    server = await startServer(standIn(() => undefined));
    await expect(build(server.url).isOnline(signal())).resolves.toBe(true);
    await expect(build(server.url, { ...KEYS, aws_secret_access_key: 'wrong' }).isOnline(signal())).rejects.toThrow('HTTP 403');
  });
});

describe('SigV4', () => {
  it('signs the documented example (IAM ListUsers, docs.aws.amazon.com "Signature Version 4 test" of 2015-08-30)', () => {
    const headers = signV4({
      method: 'GET',
      url: new URL('https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08'),
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: '',
      region: 'us-east-1',
      service: 'iam',
      now: new Date('2015-08-30T12:36:00Z'),
    }, { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' });
    expect(headers.authorization).toBe('AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7');
  });
});
