import { describe, expect, it } from 'vitest';
import { tlsTestCert } from './local-server.js';

// The TLS tests of the Prometheus client and the webhooks used to skip wherever openssl was
// missing, CI included: a CI machine without it passed without ever testing TLS.
describe('tlsTestCert: a developer may skip the TLS tests, CI never does', () => {
  const missing = 'openssl-not-installed-here';

  it.each<[string, Record<string, string | undefined>, boolean]>([
    ['CI=true', { CI: 'true' }, false],
    ['a developer (no CI)', {}, true],
  ])('without openssl, %s: skip %s', (_who, env, skip) => {
    expect(tlsTestCert(env, missing).skip).toBe(skip);
  });

  it('without openssl in CI, the TLS test fails saying why', () => {
    const tls = tlsTestCert({ CI: 'true' }, missing);
    expect(() => tls.cert()).toThrow(/need openssl-not-installed-here .* CI never skips them: install openssl/);
  });

  it('with openssl, a certificate and key for 127.0.0.1, nothing skipped', () => {
    const tls = tlsTestCert({ CI: 'true' });
    expect(tls.skip).toBe(false);
    expect(tls.cert().cert).toContain('BEGIN CERTIFICATE');
    expect(tls.cert().key).toContain('PRIVATE KEY');
  });
});
