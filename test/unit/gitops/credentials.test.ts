import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { authEnv, credentialsFromSecret, sshCommand } from '../../../src/gitops/credentials.js';
import { GitOpsError, scrubCredentials } from '../../../src/gitops/errors.js';
import { classify, gitMessage } from '../../../src/gitops/git.js';
import { defaultMessage, renderMessage } from '../../../src/gitops/message.js';
import { canaryOf } from './fixtures.js';

const HTTPS = 'https://git.example/org/apps.git';
const SSH = 'git@git.example:org/apps.git';

describe('credentials from the Secret', () => {
  it.each<[string, Record<string, string> | undefined, string, unknown]>([
    ['a token is basic auth as x-access-token', { token: 't0k' }, HTTPS, { kind: 'basic', username: 'x-access-token', password: 't0k' }],
    ['username and password', { username: 'me', password: 'pw' }, HTTPS, { kind: 'basic', username: 'me', password: 'pw' }],
    ['an SSH identity with known_hosts', { identity: 'KEY', known_hosts: 'git.example ssh-ed25519 AAAA' }, SSH, { kind: 'ssh', identity: 'KEY', knownHosts: 'git.example ssh-ed25519 AAAA' }],
    ['an ssh:// URL', { identity: 'KEY', known_hosts: 'h' }, 'ssh://git@git.example/org/apps.git', { kind: 'ssh', identity: 'KEY', knownHosts: 'h' }],
  ])('%s', (_name, data, url, expected) => {
    expect(credentialsFromSecret(data, 'Secret t/git', url)).toEqual(expected);
  });

  it.each<[string, Record<string, string> | undefined, string, RegExp]>([
    ['a missing Secret', undefined, HTTPS, /Secret t\/git not found/],
    ['no known key', { other: 'x' }, HTTPS, /none of the keys token, username and password, or identity/],
    ['an identity without known_hosts', { identity: 'KEY' }, SSH, /no known_hosts/],
    ['an identity for an HTTPS URL', { identity: 'KEY', known_hosts: 'h' }, HTTPS, /not an SSH URL/],
    ['a token for an SSH URL', { token: 't' }, SSH, /no identity/],
  ])('refuses %s, naming the Secret but never a value', (_name, data, url, message) => {
    let error: unknown;
    try {
      credentialsFromSecret(data, 'Secret t/git', url);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(GitOpsError);
    expect((error as GitOpsError).code).toBe('Credentials');
    expect((error as GitOpsError).message).toMatch(message);
    for (const value of Object.values(data ?? {})) if (value.length > 3) expect((error as GitOpsError).message).not.toContain(value);
  });

  it('HTTPS: an http.extraHeader through GIT_CONFIG_* (never the URL or the arguments)', async () => {
    const auth = await authEnv({ kind: 'basic', username: 'x-access-token', password: 't0k' }, tmpdir());
    expect(auth.env).toEqual({ GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from('x-access-token:t0k').toString('base64')}` });
  });

  it('SSH: the key written 0600 with the known hosts, strict host key checking, removed afterwards', async () => {
    const auth = await authEnv({ kind: 'ssh', identity: '-----BEGIN KEY-----', knownHosts: 'git.example ssh-ed25519 AAAA' }, tmpdir());
    const command = auth.env.GIT_SSH_COMMAND ?? '';
    const key = /-i '([^']+)'/.exec(command)?.[1] ?? '';
    const hosts = /UserKnownHostsFile='([^']+)'/.exec(command)?.[1] ?? '';
    expect(command).toContain('StrictHostKeyChecking=yes');
    expect((await stat(key)).mode & 0o777).toBe(0o600);
    expect(await readFile(key, 'utf8')).toBe('-----BEGIN KEY-----\n');
    expect(await readFile(hosts, 'utf8')).toBe('git.example ssh-ed25519 AAAA\n');
    await auth.cleanup();
    await expect(stat(key)).rejects.toThrow();
  });

  it('quotes paths in the ssh command', () => {
    expect(sshCommand("/tmp/a b/it's", '/k')).toContain(`-i '/tmp/a b/it'\\''s'`);
  });
});

describe('credential scrubbing', () => {
  it.each([
    ["fatal: unable to access 'https://git:s3cret@127.0.0.1:1234/a.git/': 401", "fatal: unable to access 'https://git:***@127.0.0.1:1234/a.git/': 401"],
    ['https://:tok@host/x', 'https://***@host/x'],
    ['http.extraHeader=Authorization: Basic eC1hY2Nlc3M6dA==', 'http.extraHeader=Authorization: Basic ***'],
    ['Authorization: Bearer abc.def', 'Authorization: Bearer ***'],
    ['x-access-token:ghp_secret@github.com', 'x-access-token:***@github.com'],
    ['https://user@host/x and git@github.com:org/repo.git stay', 'https://user@host/x and git@github.com:org/repo.git stay'],
  ])('%s', (text, expected) => {
    expect(scrubCredentials(text)).toBe(expected);
  });

  it('is applied to every GitOpsError', () => {
    expect(new GitOpsError('AuthFailed', 'clone https://u:p4ss@h/r failed').message).toBe('clone https://u:***@h/r failed');
  });

  it.each([
    ['! HEAD:refs/heads/main [rejected] (fetch first)', 'PushRejected'],
    ['! HEAD:refs/heads/main [remote rejected] (pre-receive hook declined); error: failed to push some refs', 'PushDeclined'],
    ['remote: GH006: Protected branch update failed for refs/heads/main.', 'PushDeclined'],
    ["fatal: could not read Username for 'http://h': terminal prompts disabled", 'AuthFailed'],
    ['fatal: Authentication failed for https://h/r', 'AuthFailed'],
    ["fatal: couldn't find remote ref refs/heads/nope", 'RefNotFound'],
    ['fatal: unable to access: Could not resolve host: nope', 'Unreachable'],
    ['Host key verification failed.', 'Unreachable'],
    ['something else', 'Unknown'],
  ])('classifies %s', (message, code) => {
    expect(classify(message)).toBe(code);
  });

  it('keeps git\'s message, without its hints, on one line', () => {
    expect(gitMessage('To h\n! [rejected]\nhint: Updates were rejected\nhint: x\nerror: failed to push\n')).toBe('To h; ! [rejected]; error: failed to push');
  });
});

describe('commit messages', () => {
  const vars = { canary: 'podinfo', namespace: 'tenant', outcome: 'rolledBack' as const, reason: 'failed checks threshold reached 2', images: 'podinfo:6.0.0' };

  it.each([
    ['{{ outcome }} {{namespace}}/{{ canary }}: {{ images }} ({{ reason }})', 'rolledBack tenant/podinfo: podinfo:6.0.0 (failed checks threshold reached 2)'],
    ['no variables', 'no variables'],
  ])('renders %s', (template, expected) => {
    expect(renderMessage(template, vars)).toEqual({ ok: true, message: expected });
  });

  it.each([
    ['{{ canary }} {{ revision }}', 'messageTemplate uses unknown variable {{ revision }}; known: {{ canary }}, {{ namespace }}, {{ outcome }}, {{ reason }}, {{ images }}'],
    ['  ', 'messageTemplate renders an empty commit message'],
  ])('refuses %j', (template, error) => {
    expect(renderMessage(template, vars)).toEqual({ ok: false, error });
  });

  it('names the failing checks with their values by default after a rollback', () => {
    const canary = canaryOf({
      phase: 'Failed',
      checks: [
        { name: 'request-success-rate', kind: 'metric', verdict: 'fail', value: 71.2, min: 99, time: 't' },
        { name: 'request-duration', kind: 'metric', verdict: 'pass', value: 40, max: 500, time: 't' },
      ],
    });
    expect(defaultMessage(canary, vars)).toBe(
      'Revert tenant/podinfo to podinfo:6.0.0\n\nPennant rolled back tenant/podinfo: failed checks threshold reached 2.\n\n' +
      'Failing checks:\n- request-success-rate: 71.2 (min 99)\n\nGit now declares the version the primary runs again.\n',
    );
    expect(defaultMessage(canary, { ...vars, outcome: 'promoted', reason: 'analysis passed', images: 'podinfo:6.0.1' }).split('\n')[0]).toBe('Record promotion of tenant/podinfo: podinfo:6.0.1');
  });
});
