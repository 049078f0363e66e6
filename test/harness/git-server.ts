import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { removeOnExit } from './exit-cleanup.js';
import { DEFAULT_AUTHOR, git, gitEnv, type Author } from './git-exec.js';
import { serveGitRequest } from './git-http-backend.js';
import { listenOnLoopback } from './loopback-server.js';

export interface GitServerOptions {
  /** Require HTTP basic auth (as a Git host with a token would): any username, this password/token. */
  token?: string;
}

export interface GitCommit {
  sha: string;
  subject: string;
  /** The whole message, subject and body. */
  message: string;
  author: Author;
  date: string;
}

export interface GitRequest {
  method: string;
  path: string;
  /** The basic-auth username, when one was given. */
  user?: string;
}

export interface CommitOptions {
  author?: Author;
  /** Default main. */
  branch?: string;
}

export interface GitServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Clone URL of a repository, with the token in it when the server requires one. */
  repoUrl(repo: string): string;
  /** A new empty bare repository whose default branch is main; returns its clone URL. */
  createRepo(repo: string): Promise<string>;
  /** Clones, writes (null deletes), commits and pushes over HTTP, as a user would; returns the new commit. */
  commitFiles(repo: string, files: Record<string, string | null>, message: string, options?: CommitOptions): Promise<string>;
  /** A file at a ref (default main), read from the server's copy; undefined if absent. */
  readFile(repo: string, path: string, ref?: string): Promise<string | undefined>;
  /** Commits reachable from a ref (default main), newest first; [] for an empty repository. */
  log(repo: string, ref?: string): Promise<GitCommit[]>;
  /** Every HTTP request served, oldest first. */
  requests: GitRequest[];
  /** Every update of a branch, oldest first (the bare repository's reflog): who moved it from where to where. */
  refUpdates(repo: string, branch?: string): Promise<{ from: string; to: string }[]>;
  /** Is `ancestor` reachable from `descendant`? (a push from one to the other was a fast-forward) */
  isAncestor(repo: string, ancestor: string, descendant: string): Promise<boolean>;
  /** The server goes away (connections refused) until `up()`, which listens on the same port again. */
  down(): Promise<void>;
  up(): Promise<void>;
  /** A pre-receive hook refuses every push to `repo` with `message` (as a protected branch would); null removes it. */
  declinePushes(repo: string, message: string | null): Promise<void>;
  stop(): Promise<void>;
}

/** Bare repositories in a temp dir, served over smart HTTP (git http-backend) on loopback. */
export async function startGitServer(options: GitServerOptions = {}): Promise<GitServer> {
  const root = await mkdtemp(join(tmpdir(), 'pennant-git-'));
  const removed = removeOnExit(root);
  const requests: GitRequest[] = [];
  const http = await listenOnLoopback((req, res) => {
    const user = basicUser(req, options.token);
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', ...(user.name ? { user: user.name } : {}) });
    if (!user.ok) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="pennant-test-git"' }).end('authentication required');
      return;
    }
    serveGitRequest(root, req, res, user.name);
  });
  const bare = (repo: string): string => join(root, `${repo}.git`);
  const repoUrl = (repo: string): string => {
    const url = new URL(`${http.url}/${repo}.git`);
    if (options.token) {
      url.username = 'git';
      url.password = options.token;
    }
    return url.toString();
  };

  return {
    url: http.url,
    repoUrl,
    requests,
    createRepo: async (repo) => {
      await git(['init', '--quiet', '--bare', '--initial-branch=main', bare(repo)]);
      // a bare repository keeps no reflog by default: refUpdates reads it
      await git([`--git-dir=${bare(repo)}`, 'config', 'core.logAllRefUpdates', 'always']);
      return repoUrl(repo);
    },
    commitFiles: async (repo, files, message, commitOptions = {}) => {
      const branch = commitOptions.branch ?? 'main';
      const env = gitEnv(commitOptions.author ?? DEFAULT_AUTHOR);
      const work = await mkdtemp(join(tmpdir(), 'pennant-git-work-'));
      try {
        await git(['-c', 'init.defaultBranch=main', 'clone', '--quiet', repoUrl(repo), work], { env });
        const remoteBranches = await git(['branch', '--remotes', '--list', `origin/${branch}`], { cwd: work, env });
        await git(['checkout', '--quiet', '-B', branch, ...(remoteBranches.trim() ? [`origin/${branch}`] : [])], { cwd: work, env });
        for (const [path, content] of Object.entries(files)) {
          if (content === null) {
            await git(['rm', '--quiet', '-r', '--', path], { cwd: work, env });
            continue;
          }
          await mkdir(dirname(join(work, path)), { recursive: true });
          await writeFile(join(work, path), content);
        }
        await git(['add', '--all'], { cwd: work, env });
        await git(['commit', '--quiet', '-m', message], { cwd: work, env });
        await git(['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`], { cwd: work, env });
        return (await git(['rev-parse', 'HEAD'], { cwd: work, env })).trim();
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    },
    readFile: async (repo, path, ref = 'main') => {
      try {
        return await git([`--git-dir=${bare(repo)}`, 'show', `${ref}:${path}`]);
      } catch {
        return undefined;
      }
    },
    log: async (repo, ref = 'main') => {
      const head = await git([`--git-dir=${bare(repo)}`, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => '');
      if (!head.trim()) return [];
      const out = await git([`--git-dir=${bare(repo)}`, 'log', '--format=%H%x00%an%x00%ae%x00%aI%x00%B%x1e', ref]);
      return out
        .split('\x1e')
        .map((record) => record.replace(/^\n/, ''))
        .filter((record) => record.length > 0)
        .map(parseCommit);
    },
    refUpdates: async (repo, branch = 'main') => {
      const text = await readFile(join(bare(repo), 'logs', 'refs', 'heads', branch), 'utf8').catch(() => '');
      return text.split('\n').filter(Boolean).map((line) => {
        const [from = '', to = ''] = line.split(' ');
        return { from, to };
      });
    },
    isAncestor: async (repo, ancestor, descendant) =>
      git([`--git-dir=${bare(repo)}`, 'merge-base', '--is-ancestor', ancestor, descendant]).then(() => true, () => false),
    down: () => http.close(),
    up: () => new Promise<void>((resolve, reject) => {
      http.server.once('error', reject);
      http.server.listen(http.port, '127.0.0.1', () => resolve());
    }),
    declinePushes: async (repo, message) => {
      const hook = join(bare(repo), 'hooks', 'pre-receive');
      if (message === null) return rm(hook, { force: true });
      await mkdir(dirname(hook), { recursive: true });
      await writeFile(hook, `#!/bin/sh\necho ${shellQuote(message)} >&2\nexit 1\n`, { mode: 0o755 });
    },
    stop: async () => {
      if (http.server.listening) await http.close();
      await rm(root, { recursive: true, force: true });
      removed();
    },
  };
}

const shellQuote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

function parseCommit(record: string): GitCommit {
  const [sha = '', name = '', email = '', date = '', body = ''] = record.split('\x00');
  const message = body.trimEnd();
  return { sha, subject: message.split('\n')[0] ?? '', message, author: { name, email }, date };
}

function basicUser(req: IncomingMessage, token: string | undefined): { ok: boolean; name?: string } {
  const header = req.headers.authorization;
  const decoded = header?.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString() : undefined;
  const colon = decoded?.indexOf(':') ?? -1;
  const name = decoded && colon >= 0 ? decoded.slice(0, colon) : undefined;
  const password = decoded && colon >= 0 ? decoded.slice(colon + 1) : undefined;
  if (!token) return { ok: true, ...(name ? { name } : {}) };
  return { ok: password === token, ...(name ? { name } : {}) };
}
