import { createVerify, generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetricProvider } from '../../../../src/metrics/index.js';
import { type Handler, json, type LocalServer, startServer } from '../local-server.js';
import { STACKDRIVER_QUERY } from './fixtures.js';
import { type Reply, rejection, runContractOverStandIn, signal } from './harness.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
const EMAIL = 'pennant@my-project.iam.gserviceaccount.com';
const ACCESS_TOKEN = 'ya29.stand-in-token';

const credentials = (address: string, key = privateKey) => ({
  project: 'my-project',
  serviceAccountKey: JSON.stringify({ type: 'service_account', project_id: 'my-project', client_email: EMAIL, private_key: key, token_uri: `${address}/token` }),
});
const build = (address: string) => createMetricProvider({ type: 'stackdriver', address }, credentials(address));

interface Claims { iss?: string; scope?: string; aud?: string; iat?: number; exp?: number }

/** Google's OAuth 2.0 token endpoint for the JWT grant: the assertion must be signed by the account's key. */
function grant(body: string, audience: string): boolean {
  const form = new URLSearchParams(body);
  const [header, claims, signature] = (form.get('assertion') ?? '').split('.');
  if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer' || !header || !claims || !signature) return false;
  const signed = createVerify('RSA-SHA256').update(`${header}.${claims}`).verify(publicKey, Buffer.from(signature, 'base64url'));
  const c = JSON.parse(Buffer.from(claims, 'base64url').toString()) as Claims;
  return signed && c.iss === EMAIL && c.aud === audience && c.scope === 'https://www.googleapis.com/auth/monitoring.read' && (c.exp ?? 0) - (c.iat ?? 0) === 3600;
}

/** Cloud Monitoring's timeSeries:query as documented, behind the token; an empty query is INVALID_ARGUMENT. */
const standIn = (answer: Reply): Handler => (req, res) => {
  const origin = `http://${String(req.headers.host)}`;
  if (req.path === '/token') return grant(req.body, `${origin}/token`) ? json(res, 200, { access_token: ACCESS_TOKEN, expires_in: 3599, token_type: 'Bearer' }) : json(res, 400, { error: 'invalid_grant' });
  if (req.headers.authorization !== `Bearer ${ACCESS_TOKEN}`) return json(res, 401, { error: { code: 401, status: 'UNAUTHENTICATED' } });
  if (req.method !== 'POST' || req.path !== '/v3/projects/my-project/timeSeries:query') return json(res, 404, { error: { code: 404, status: 'NOT_FOUND' } });
  if (!(JSON.parse(req.body) as { query?: string }).query) return json(res, 400, { error: { code: 400, message: 'Query is empty.', status: 'INVALID_ARGUMENT' } });
  answer(req, res);
};

runContractOverStandIn('stackdriver', build, standIn, {
  value42: (_req, res) => json(res, 200, { timeSeriesData: [{ pointData: [{ values: [{ doubleValue: 42 }] }] }] }),
  noData: (_req, res) => json(res, 200, {}),
});

describe('stackdriver', () => {
  let server: LocalServer | undefined;
  afterEach(async () => server?.close());

  it('gets a token with the service account\'s signed JWT, POSTs the MQL and reads the docs\' example; the token is reused', async () => {
    server = await startServer(standIn((_req, res) => json(res, 200, STACKDRIVER_QUERY)));
    const provider = build(server.url);
    const mql = "fetch k8s_container | metric 'istio.io/service/server/response_latencies' | within 1m | every 1m";
    await expect(provider.query(mql, signal())).resolves.toBe(212.5);
    await expect(provider.query(mql, signal())).resolves.toBe(212.5);
    expect(server.requests.map((r) => r.path)).toEqual(['/token', '/v3/projects/my-project/timeSeries:query', '/v3/projects/my-project/timeSeries:query']);
    expect(JSON.parse(server.requests[1]?.body ?? '{}')).toEqual({ query: mql });
  });

  it('an int64 value (sent as a string) is read; a bool value fails the check', async () => {
    server = await startServer(standIn((req, res) => json(res, 200, { timeSeriesData: [{ pointData: [{ values: [JSON.parse(req.body).query === 'int' ? { int64Value: '17' } : { boolValue: true }] }] }] })));
    await expect(build(server.url).query('int', signal())).resolves.toBe(17);
    expect((await rejection(build(server.url).query('bool', signal()))).message).toContain('the value is not a number (boolValue)');
  });

  it('a key the token endpoint does not accept fails the check as a credentials problem', async () => {
    server = await startServer(standIn(() => undefined));
    const other = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const provider = createMetricProvider({ type: 'stackdriver', address: server.url }, credentials(server.url, other.privateKey));
    const err = await rejection(provider.query('fetch x', signal()));
    expect(err).toMatchObject({ code: 'Config' });
    expect(err.message).toContain(`the token endpoint refused the service account ${EMAIL} (HTTP 400)`);
  });

  it.each([
    [{ serviceAccountKey: '{}' }, 'stackdriver credentials (provider.secretRef) have no project'],
    [{ project: 'my-project' }, 'stackdriver credentials (provider.secretRef) have no serviceAccountKey'],
    [{ project: 'my-project', serviceAccountKey: 'not json' }, 'serviceAccountKey is not JSON'],
    [{ project: 'my-project', serviceAccountKey: '{"client_email":"a@b"}' }, 'serviceAccountKey has no private_key'],
    [{ project: '../x', serviceAccountKey: '{}' }, 'project "../x" is not a project id'],
  ])('credentials %j are refused', (creds, message) => {
    expect(() => createMetricProvider({ type: 'stackdriver' }, creds)).toThrow(message);
  });

  it('without a secretRef (workload identity) it builds, then fails each check saying why', async () => {
    const err = await rejection(createMetricProvider({ type: 'stackdriver' }, undefined).query('fetch x', signal()));
    expect(err.message).toBe('stackdriver at https://monitoring.googleapis.com: no provider.secretRef: Pennant does not use workload identity yet; set provider.secretRef to a Secret with project and serviceAccountKey');
  });

  it('is online when an empty query is refused as invalid (as Flagger)', async () => {
    server = await startServer(standIn(() => undefined));
    await expect(build(server.url).isOnline(signal())).resolves.toBe(true);
  });
});
