import { createSign } from 'node:crypto';
import axios from 'axios';
import { MetricError } from './errors.js';

export const MONITORING_READ_SCOPE = 'https://www.googleapis.com/auth/monitoring.read';

/** The fields of a service account key file that the OAuth 2.0 JWT grant needs. */
export interface ServiceAccountKey {
  client_email: string;
  private_key: string;
  token_uri: string;
}

/** provider.secretRef's `serviceAccountKey`: the JSON key file of a Google service account. */
export function parseServiceAccountKey(raw: string): ServiceAccountKey {
  let key: Partial<Record<keyof ServiceAccountKey, unknown>>;
  try {
    key = JSON.parse(raw) as typeof key;
  } catch {
    throw new MetricError('Config', 'stackdriver credentials: serviceAccountKey is not JSON (expected a service account key file)');
  }
  for (const field of ['client_email', 'private_key'] as const) {
    if (typeof key[field] !== 'string' || key[field] === '') throw new MetricError('Config', `stackdriver credentials: serviceAccountKey has no ${field}`);
  }
  const tokenUri = typeof key.token_uri === 'string' && key.token_uri !== '' ? key.token_uri : 'https://oauth2.googleapis.com/token';
  return { client_email: key.client_email as string, private_key: key.private_key as string, token_uri: tokenUri };
}

const base64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/** The signed JWT of the grant (developers.google.com/identity/protocols/oauth2/service-account). */
export function grantAssertion(key: ServiceAccountKey, scope: string, now: Date): string {
  const iat = Math.floor(now.getTime() / 1000);
  const unsigned = `${base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }))}.${base64url(JSON.stringify({ iss: key.client_email, scope, aud: key.token_uri, iat, exp: iat + 3600 }))}`;
  let signature: Buffer;
  try {
    signature = createSign('RSA-SHA256').update(unsigned).sign(key.private_key);
  } catch {
    throw new MetricError('Config', 'stackdriver credentials: the private_key of serviceAccountKey cannot sign (not an RSA key in PEM)');
  }
  return `${unsigned}.${base64url(signature)}`;
}

/** Access tokens of one key, fetched when missing or about to expire. */
export class GoogleTokenSource {
  private cached: { token: string; expiresAt: number } | undefined;

  constructor(private readonly key: ServiceAccountKey, private readonly scope = MONITORING_READ_SCOPE) {}

  async token(signal: AbortSignal, now = new Date()): Promise<string> {
    if (this.cached && this.cached.expiresAt - 60_000 > now.getTime()) return this.cached.token;
    const form = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: grantAssertion(this.key, this.scope, now) });
    const answer = await axios.post<{ access_token?: unknown; expires_in?: unknown }>(this.key.token_uri, form.toString(), {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      signal,
      validateStatus: () => true,
    });
    const token = answer.data?.access_token;
    if (answer.status !== 200 || typeof token !== 'string') {
      throw new MetricError('Config', `stackdriver: the token endpoint refused the service account ${this.key.client_email} (HTTP ${answer.status})`);
    }
    const seconds = typeof answer.data.expires_in === 'number' ? answer.data.expires_in : 3600;
    this.cached = { token, expiresAt: now.getTime() + seconds * 1000 };
    return token;
  }
}
