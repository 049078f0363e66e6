import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitOpsError } from '../../../src/gitops/errors.js';
import { GitClient, type GitCallOptions } from '../../../src/gitops/git.js';
import { git as runGit } from '../../harness/git-exec.js';
import { startGitServer, type GitServer } from '../../harness/index.js';

const TOKEN = 'git-t0ken-s3cret';

describe('GitClient against real repositories over smart HTTP', () => {
  let server: GitServer;
  let work: string;
  const git = new GitClient(process.env, tmpdir());
  const options = (password = TOKEN): GitCallOptions => ({ credentials: { kind: 'basic', username: 'x-access-token', password }, signal: new AbortController().signal, timeoutMs: 20_000 });
  const url = (repo: string) => `${server.url}/${repo}.git`;

  beforeAll(async () => {
    server = await startGitServer({ token: TOKEN });
    work = await mkdtemp(join(tmpdir(), 'pennant-git-client-'));
    await server.createRepo('apps');
    await server.commitFiles('apps', { 'a.yaml': 'a: 1\n' }, 'first');
  });
  afterAll(async () => {
    await server.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('clones on first use, fetches after, and reports branch@sha1:<sha>', async () => {
    const dir = join(work, 'sync');
    const first = await git.checkout(dir, url('apps'), {}, options());
    expect(first.revision).toBe(`main@sha1:${first.sha}`);
    expect(await readFile(join(dir, 'a.yaml'), 'utf8')).toBe('a: 1\n');
    const second = await server.commitFiles('apps', { 'a.yaml': 'a: 2\n', 'b.yaml': 'b: 1\n' }, 'second');
    expect(await git.checkout(dir, url('apps'), {}, options())).toEqual({ sha: second, revision: `main@sha1:${second}` });
    expect(await readFile(join(dir, 'a.yaml'), 'utf8')).toBe('a: 2\n');
    await server.commitFiles('apps', { 'b.yaml': null }, 'remove b');
    await git.checkout(dir, url('apps'), {}, options());
    await expect(readFile(join(dir, 'b.yaml'))).rejects.toThrow();
  });

  it('checks out a tag, a commit (full or short) and another branch', async () => {
    const sha = await server.commitFiles('apps', { 'c.yaml': 'c: 1\n' }, 'on feature', { branch: 'feature' });
    expect((await git.checkout(join(work, 'branch'), url('apps'), { branch: 'feature' }, options())).revision).toBe(`feature@sha1:${sha}`);
    const byCommit = await git.checkout(join(work, 'commit'), url('apps'), { commit: sha.slice(0, 10) }, options());
    expect(byCommit).toEqual({ sha, revision: `sha1:${sha}` });
    const log = await server.log('apps');
    const tagged = log[log.length - 1]?.sha ?? '';
    const tagger = join(work, 'tagger');
    await git.checkout(tagger, url('apps'), { commit: tagged }, options());
    await runGit(['push', '--quiet', server.repoUrl('apps'), `${tagged}:refs/tags/v1.0.0`], { cwd: tagger });
    expect(await git.checkout(join(work, 'tag'), url('apps'), { tag: 'v1.0.0' }, options())).toEqual({ sha: tagged, revision: `v1.0.0@sha1:${tagged}` });
  });

  it.each<[string, () => Promise<unknown>, string]>([
    ['a missing branch', () => git.checkout(join(work, 'nobranch'), url('apps'), { branch: 'nope' }, options()), 'RefNotFound'],
    ['a commit on no branch', () => git.checkout(join(work, 'nocommit'), url('apps'), { commit: 'deadbeefdeadbeef' }, options()), 'RefNotFound'],
    ['a wrong token', () => git.checkout(join(work, 'badauth'), url('apps'), {}, options('wrong-token-value')), 'AuthFailed'],
    ['no credentials', () => git.checkout(join(work, 'noauth'), url('apps'), {}, { ...options(), credentials: { kind: 'none' } }), 'AuthFailed'],
    ['an unreachable host', () => git.checkout(join(work, 'nohost'), 'http://127.0.0.1:1/x.git', {}, options()), 'Unreachable'],
  ])('fails with a typed error on %s, never quoting a credential', async (_name, run, code) => {
    const err = await run().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(GitOpsError);
    expect((err as GitOpsError).code).toBe(code);
    expect((err as GitOpsError).message).not.toMatch(/t0ken|wrong-token|Basic /);
  });

  it('keeps the token out of the working copy\'s config', async () => {
    expect(await readFile(join(work, 'sync', '.git', 'config'), 'utf8')).not.toContain(TOKEN);
  });

  it('times out after timeoutMs and says so', async () => {
    const err = await git.checkout(join(work, 'slow'), url('apps'), {}, { ...options(), timeoutMs: 1 }).then(() => undefined, (e: unknown) => e);
    expect((err as GitOpsError).code).toBe('Timeout');
  });

  it('commits as the author and pushes; a push behind the remote is rejected, never forced', async () => {
    const dir = join(work, 'write');
    await git.checkoutBranchTip(dir, url('apps'), 'main', options());
    await writeFile(join(dir, 'a.yaml'), 'a: 3\n');
    const ours = await git.commit(dir, ['a.yaml'], 'ours', { name: 'Pennant', email: 'pennant@localhost' }, options());
    const theirs = await server.commitFiles('apps', { 'd.yaml': 'd: 1\n' }, 'theirs');
    const err = await git.push(dir, 'main', options()).then(() => undefined, (e: unknown) => e);
    expect((err as GitOpsError).code).toBe('PushRejected');
    expect((await server.log('apps'))[0]?.sha).toBe(theirs);
    await git.checkoutBranchTip(dir, url('apps'), 'main', options());
    await writeFile(join(dir, 'a.yaml'), 'a: 3\n');
    const again = await git.commit(dir, ['a.yaml'], 'ours', { name: 'Pennant', email: 'pennant@localhost' }, options());
    await git.push(dir, 'main', options());
    const log = await server.log('apps');
    expect(log.slice(0, 2).map((c) => [c.sha, c.subject, c.author.name])).toEqual([[again, 'ours', 'Pennant'], [theirs, 'theirs', 'Test User']]);
    expect(again).not.toBe(ours);
  });
});
