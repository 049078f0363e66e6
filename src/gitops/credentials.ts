import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GitOpsError } from './errors.js';

/** How to authenticate to a Git host, from the GitSource's Secret. */
export type GitCredentials =
  | { kind: 'none' }
  /** HTTPS basic auth; a `token` is sent as user `x-access-token` (GitHub, Gitea and GitLab accept it). */
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'ssh'; identity: string; knownHosts: string };

export const NO_CREDENTIALS: GitCredentials = { kind: 'none' };

/**
 * The credentials a Secret's data holds: `identity` (+ `known_hosts`) for SSH, else `token`, else
 * `username` + `password`. `what` names the Secret in messages (never its values).
 */
export function credentialsFromSecret(data: Record<string, string> | undefined, what: string, url: string): GitCredentials {
  if (!data) throw new GitOpsError('Credentials', `${what} not found`);
  const ssh = isSshUrl(url);
  if (data.identity) {
    if (!ssh) throw new GitOpsError('Credentials', `${what} holds an SSH identity but the URL is not an SSH URL (ssh:// or user@host:path)`);
    if (!data.known_hosts) throw new GitOpsError('Credentials', `${what} holds an SSH identity but no known_hosts: add the host's key (ssh-keyscan <host>) so the host can be verified`);
    return { kind: 'ssh', identity: data.identity, knownHosts: data.known_hosts };
  }
  if (ssh) throw new GitOpsError('Credentials', `${what} has no identity (SSH private key), which an SSH URL needs`);
  if (data.token) return { kind: 'basic', username: 'x-access-token', password: data.token };
  if (data.username && data.password) return { kind: 'basic', username: data.username, password: data.password };
  throw new GitOpsError('Credentials', `${what} has none of the keys token, username and password, or identity`);
}

export const isSshUrl = (url: string): boolean => url.startsWith('ssh://') || /^[\w.-]+@[\w.-]+:/.test(url);

/** Environment variables that make git authenticate, and a cleanup for the files they point at. */
export interface AuthEnv {
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

/**
 * HTTPS credentials go in an `http.extraHeader` set through GIT_CONFIG_* variables: never in the
 * URL (which git prints) nor in arguments (which `ps` shows). An SSH key is written 0600 to a private
 * temp dir, with the known hosts, and host keys are checked strictly.
 */
export async function authEnv(credentials: GitCredentials, scratchDir: string): Promise<AuthEnv> {
  switch (credentials.kind) {
    case 'none':
      return { env: {}, cleanup: async () => undefined };
    case 'basic': {
      const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
      return {
        env: { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}` },
        cleanup: async () => undefined,
      };
    }
    case 'ssh': {
      await mkdir(scratchDir, { recursive: true, mode: 0o700 });
      const dir = await mkdtemp(join(scratchDir, 'ssh-'));
      await chmod(dir, 0o700);
      const key = join(dir, 'identity');
      const knownHosts = join(dir, 'known_hosts');
      await writeFile(key, withNewline(credentials.identity), { mode: 0o600 });
      await writeFile(knownHosts, withNewline(credentials.knownHosts), { mode: 0o600 });
      return { env: { GIT_SSH_COMMAND: sshCommand(key, knownHosts) }, cleanup: () => rm(dir, { recursive: true, force: true }) };
    }
  }
}

export function sshCommand(identityFile: string, knownHostsFile: string): string {
  const q = (path: string): string => `'${path.replace(/'/g, `'\\''`)}'`;
  return [
    'ssh', '-i', q(identityFile), '-o', `UserKnownHostsFile=${q(knownHostsFile)}`, '-o', 'StrictHostKeyChecking=yes',
    '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-F', '/dev/null',
  ].join(' ');
}

// ssh refuses a private key file without a final newline.
const withNewline = (text: string): string => (text.endsWith('\n') ? text : `${text}\n`);
