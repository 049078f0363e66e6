import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SimpleGit } from 'simple-git';
import { authEnv, type GitCredentials } from './credentials.js';
import { errorMessage, GitOpsError, type GitOpsErrorCode } from './errors.js';

/** What a GitSource checks out: one of branch, tag or commit (default branch main). */
export interface GitRef {
  branch?: string;
  tag?: string;
  commit?: string;
}

export interface Checkout {
  sha: string;
  /** `main@sha1:<sha>`, `v1.2.0@sha1:<sha>` or `sha1:<sha>`, as Flux writes revisions. */
  revision: string;
}

export interface GitCallOptions {
  credentials: GitCredentials;
  signal: AbortSignal;
  timeoutMs: number;
}

export interface Author {
  name: string;
  email: string;
}

/** Environment variables passed through to git from the controller's own: the rest is not git's business. */
const PASSED_THROUGH = ['PATH', 'HOME', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', 'SSL_CERT_FILE', 'SSL_CERT_DIR'];

/**
 * git through simple-git, with a fixed environment: no user or system config, no prompts, English
 * messages (errors are classified by them), credentials only through `authEnv`.
 */
export class GitClient {
  private readonly baseEnv: Record<string, string>;

  constructor(
    env: Record<string, string | undefined>,
    /** Where SSH keys are written for the length of one call. */
    private readonly scratchDir: string,
  ) {
    const passed = Object.fromEntries(PASSED_THROUGH.flatMap((k) => (env[k] ? [[k, env[k] as string]] : [])));
    this.baseEnv = { ...passed, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', LANG: 'C' };
  }

  /** Fetches `ref` from `url` into `dir` (created on first use) and checks it out, detached and clean. */
  async checkout(dir: string, url: string, ref: GitRef, options: GitCallOptions): Promise<Checkout> {
    return this.run(dir, options, {}, async (git) => {
      await prepare(git, dir, url);
      const target = await fetchRef(git, ref);
      await git.raw(['checkout', '--quiet', '--force', '--detach', target]);
      await git.raw(['clean', '-ffdxq']);
      const sha = (await git.revparse(['HEAD'])).trim();
      return { sha, revision: revisionOf(ref, sha) };
    });
  }

  /** The tip of `branch`, checked out as a local branch of that name with no local changes. */
  async checkoutBranchTip(dir: string, url: string, branch: string, options: GitCallOptions): Promise<Checkout> {
    return this.checkout(dir, url, { branch }, options).then(async (checkout) => {
      await this.run(dir, options, {}, (git) => git.raw(['checkout', '--quiet', '--force', '-B', branch, checkout.sha]));
      return checkout;
    });
  }

  /** Commits `files` (paths relative to `dir`) as `author`; returns the new commit's SHA. */
  async commit(dir: string, files: string[], message: string, author: Author, options: GitCallOptions): Promise<string> {
    const identity = {
      GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email, GIT_COMMITTER_NAME: author.name, GIT_COMMITTER_EMAIL: author.email,
    };
    return this.run(dir, options, identity, async (git) => {
      await git.raw(['add', '--', ...files]);
      await git.raw(['commit', '--quiet', '--no-verify', '-m', message]);
      return (await git.revparse(['HEAD'])).trim();
    });
  }

  /** Pushes HEAD to `branch`, never forcing: a remote that moved is `PushRejected`, one that refused (a hook) `PushDeclined`. */
  async push(dir: string, branch: string, options: GitCallOptions): Promise<void> {
    await this.run(dir, options, {}, (git) => git.raw(['push', '--quiet', '--porcelain', 'origin', `HEAD:refs/heads/${branch}`]));
  }

  private async run<T>(dir: string, options: GitCallOptions, extraEnv: Record<string, string>, body: (git: SimpleGit) => Promise<T>): Promise<T> {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = AbortSignal.any([options.signal, timeout]);
    await mkdir(dir, { recursive: true });
    const auth = await authEnv(options.credentials, this.scratchDir);
    try {
      // Loaded on first use: a controller with no GitSource does not carry simple-git (about 10 MiB).
      const { simpleGit } = await import('simple-git');
      const git = simpleGit({
        baseDir: dir,
        abort: signal,
        unsafe: { allowUnsafeConfigPaths: true, allowUnsafeConfigEnvCount: true, allowUnsafeSshCommand: true },
      }).env({ ...this.baseEnv, ...auth.env, ...extraEnv });
      return await body(git);
    } catch (err) {
      if (timeout.aborted) throw new GitOpsError('Timeout', `git gave up after ${options.timeoutMs / 1000}s (spec.timeout)`, { cause: err });
      if (options.signal.aborted) throw new GitOpsError('Aborted', 'stopped: the controller is shutting down', { cause: err });
      if (err instanceof GitOpsError) throw err;
      const message = gitMessage(errorMessage(err));
      throw new GitOpsError(classify(message), message, { cause: err });
    } finally {
      await auth.cleanup();
    }
  }
}

async function prepare(git: SimpleGit, dir: string, url: string): Promise<void> {
  if (!existsSync(join(dir, '.git'))) await git.raw(['-c', 'init.defaultBranch=main', 'init', '--quiet']);
  await git.raw(['config', 'remote.origin.url', url]);
}

/** Fetches what `ref` names and returns what to check out. */
async function fetchRef(git: SimpleGit, ref: GitRef): Promise<string> {
  if (ref.commit) {
    // Any commit reachable from a branch or tag: a full fetch (hosts may refuse to serve a bare SHA).
    await git.raw(['fetch', '--quiet', '--force', '--tags', 'origin', '+refs/heads/*:refs/remotes/origin/*']);
    const sha = await git.revparse(['--verify', '--quiet', `${ref.commit}^{commit}`]).catch(() => '');
    if (!sha.trim()) throw new GitOpsError('RefNotFound', `commit ${ref.commit} is not on any branch or tag of the repository`);
    return sha.trim();
  }
  if (ref.tag) {
    await git.raw(['fetch', '--quiet', '--force', '--depth=1', 'origin', `+refs/tags/${ref.tag}:refs/tags/${ref.tag}`]);
    return `refs/tags/${ref.tag}^{commit}`;
  }
  const branch = ref.branch ?? 'main';
  await git.raw(['fetch', '--quiet', '--force', '--depth=1', 'origin', `+refs/heads/${branch}:refs/remotes/origin/${branch}`]);
  return `refs/remotes/origin/${branch}`;
}

export function revisionOf(ref: GitRef, sha: string): string {
  if (ref.commit) return `sha1:${sha}`;
  return `${ref.tag ?? ref.branch ?? 'main'}@sha1:${sha}`;
}

const PATTERNS: [RegExp, GitOpsErrorCode][] = [
  // First: a declined push also says "failed to push some refs".
  [/\[remote rejected\]|pre-receive hook declined|protected branch/i, 'PushDeclined'],
  [/\[rejected\]|non-fast-forward|fetch first|failed to push some refs/i, 'PushRejected'],
  [/authentication failed|could not read (username|password)|returned error: 40[13]|permission denied \(publickey|invalid credentials/i, 'AuthFailed'],
  [/couldn't find remote ref|remote branch .* not found|not a valid object name|unknown revision|did not match any/i, 'RefNotFound'],
  [/could not resolve host|connection refused|failed to connect|host key verification failed|unable to access|timed out|no route to host|could not read from remote/i, 'Unreachable'],
];

/** git's stderr without its hints, on one line. */
export function gitMessage(stderr: string): string {
  return stderr.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('hint:') && l !== 'Done').join('; ');
}

export function classify(message: string): GitOpsErrorCode {
  return PATTERNS.find(([pattern]) => pattern.test(message))?.[1] ?? 'Unknown';
}
