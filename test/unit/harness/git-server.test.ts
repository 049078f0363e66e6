import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '../../harness/git-exec.js';
import { startGitServer, type GitServer } from '../../harness/index.js';

describe('git server (real git over smart HTTP)', () => {
  let server: GitServer;
  beforeAll(async () => {
    server = await startGitServer();
  });
  afterAll(() => server.stop());

  it('creates an empty repository with no history', async () => {
    const url = await server.createRepo('empty');
    expect(url).toBe(`${server.url}/empty.git`);
    expect(await server.log('empty')).toEqual([]);
    expect(await server.readFile('empty', 'README.md')).toBeUndefined();
  });

  it('commits, pushes and reads back; log lists newest first with authors', async () => {
    await server.createRepo('apps');
    const first = await server.commitFiles('apps', { 'podinfo/deployment.yaml': 'image: podinfo:6.0.0\n', 'README.md': 'hi\n' }, 'Add podinfo');
    const second = await server.commitFiles(
      'apps',
      { 'podinfo/deployment.yaml': 'image: podinfo:6.0.1\n', 'README.md': null },
      'Bump podinfo to 6.0.1\n\nBody text.',
      { author: { name: 'Dev One', email: 'dev1@example.com' } },
    );
    expect(await server.readFile('apps', 'podinfo/deployment.yaml')).toBe('image: podinfo:6.0.1\n');
    expect(await server.readFile('apps', 'podinfo/deployment.yaml', first)).toBe('image: podinfo:6.0.0\n');
    expect(await server.readFile('apps', 'README.md')).toBeUndefined();
    const log = await server.log('apps');
    expect(log.map((c) => c.sha)).toEqual([second, first]);
    expect(log[0]).toMatchObject({ subject: 'Bump podinfo to 6.0.1', message: 'Bump podinfo to 6.0.1\n\nBody text.', author: { name: 'Dev One', email: 'dev1@example.com' } });
    expect(log[1]?.author).toEqual({ name: 'Test User', email: 'test@example.com' });
  });

  it('can be cloned and pushed to by a plain git client', async () => {
    await server.createRepo('clone-me');
    await server.commitFiles('clone-me', { 'a.txt': 'a\n' }, 'first');
    const work = await mkdtemp(join(tmpdir(), 'pennant-git-test-'));
    try {
      await git(['clone', '--quiet', server.repoUrl('clone-me'), work]);
      expect(await readFile(join(work, 'a.txt'), 'utf8')).toBe('a\n');
      await git(['commit', '--quiet', '--allow-empty', '-m', 'from a client'], { cwd: work });
      await git(['push', '--quiet', 'origin', 'HEAD:main'], { cwd: work });
      expect((await server.log('clone-me'))[0]?.subject).toBe('from a client');
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it('commits to other branches', async () => {
    await server.createRepo('branches');
    await server.commitFiles('branches', { 'a.txt': 'main\n' }, 'on main');
    await server.commitFiles('branches', { 'a.txt': 'feature\n' }, 'on feature', { branch: 'feature' });
    expect(await server.readFile('branches', 'a.txt')).toBe('main\n');
    expect(await server.readFile('branches', 'a.txt', 'feature')).toBe('feature\n');
    expect((await server.log('branches', 'feature')).map((c) => c.subject)).toEqual(['on feature', 'on main']);
  });
});

describe('git server with a token', () => {
  let server: GitServer;
  beforeAll(async () => {
    server = await startGitServer({ token: 's3cret' });
  });
  afterAll(() => server.stop());

  it('accepts the token and refuses requests without it', async () => {
    await server.createRepo('private');
    await server.commitFiles('private', { 'a.txt': 'a\n' }, 'with token');
    expect(server.repoUrl('private')).toContain('git:s3cret@');
    expect(server.requests.some((r) => r.user === 'git')).toBe(true);
    await expect(git(['ls-remote', `${server.url}/private.git`])).rejects.toThrow(/Authentication failed|could not read Username|401/);
    const wrong = new URL(server.repoUrl('private'));
    wrong.password = 'nope';
    await expect(git(['ls-remote', wrong.toString()])).rejects.toThrow();
  });
});
