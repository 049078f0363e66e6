import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GitSource } from '../../../src/api/index.js';
import { GitClient } from '../../../src/gitops/git.js';
import { GitWriteBack, type GitSources } from '../../../src/gitops/git-write-back.js';
import { type GitServer, startGitServer } from '../../harness/index.js';
import { CANARY_YAML, gitSourceOf, PODINFO_YAML } from './fixtures.js';
import { cache, failedCanary, rollback, TOKEN } from './write-back-fixtures.js';

const signal = new AbortController().signal;

class CountingGit extends GitClient {
  pushes = 0;
  override async push(...args: Parameters<GitClient['push']>): Promise<void> {
    this.pushes++;
    return super.push(...args);
  }
}

/**
 * The Git server down or refusing pushes while a rollback is written back (a real repository over
 * smart HTTP). Each failed attempt is ok:false with the reason, so the engine keeps the outcome in
 * status.pendingWriteBack and tries again with backoff (test/unit/engine/write-back.test.ts); once
 * the server is back the next attempt commits it, once, as a fast-forward.
 */
describe('write-back while the Git server is down or declines pushes', () => {
  let server: GitServer;
  let cacheDir: string;
  let repo = 0;
  const git = new CountingGit(process.env, tmpdir());

  beforeAll(async () => {
    server = await startGitServer({ token: TOKEN });
    cacheDir = await mkdtemp(join(tmpdir(), 'pennant-wb-faults-'));
  });
  afterAll(async () => {
    await server.stop();
    await rm(cacheDir, { recursive: true, force: true });
  });

  async function repository(): Promise<{ name: string; writeBack: GitWriteBack; userCommit: string }> {
    const name = `faults${repo++}`;
    await server.createRepo(name);
    const userCommit = await server.commitFiles(name, { 'apps/podinfo.yaml': PODINFO_YAML, 'apps/canary.yaml': CANARY_YAML }, 'Release podinfo 6.0.1');
    const source: GitSource = gitSourceOf({ url: `${server.url}/${name}.git`, secretRef: { name: 'git' }, serviceAccountName: 'deployer' }, {
      inventory: [{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'tenant', name: 'podinfo' }],
    }, name);
    const sources: GitSources = { ready: true, list: () => [source], get: () => source, recordWriteBack: () => undefined };
    return { name, userCommit, writeBack: new GitWriteBack({ sources, cache, git, cacheDir, logger: pino({ level: 'silent' }), backoffMs: 1 }) };
  }

  /** Every update of main was a fast-forward: nothing was force-pushed over anyone. */
  async function forcedUpdates(name: string): Promise<string[]> {
    const forced: string[] = [];
    for (const { from, to } of await server.refUpdates(name)) if (!/^0+$/.test(from) && !(await server.isAncestor(name, from, to))) forced.push(`${from}..${to}`);
    return forced;
  }

  it('server down: ok:false naming the connection, nothing pushed; back up: the rollback is committed once', async () => {
    const { name, writeBack, userCommit } = await repository();
    await server.down();
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        const result = await writeBack.apply(failedCanary(), rollback, signal);
        expect(result).toEqual({ ok: false, message: expect.stringMatching(/Failed to connect|Could not connect|Connection refused/i) });
        expect(result.message).not.toContain(TOKEN);
      }
    } finally {
      await server.up();
    }
    expect((await server.log(name)).map((c) => c.sha)).toEqual([userCommit]);
    const result = await writeBack.apply(failedCanary(), rollback, signal);
    expect(result).toMatchObject({ ok: true, commit: expect.stringMatching(/^[0-9a-f]{40}$/) });
    const log = await server.log(name);
    expect(log.map((c) => c.sha)).toEqual([result.commit, userCommit]);
    expect(await server.readFile(name, 'apps/podinfo.yaml')).toContain('podinfo:6.0.0');
    expect(await forcedUpdates(name)).toEqual([]);
  });

  it('pushes declined by a pre-receive hook: ok:false with the server\'s reason after one push (not redone as a moved branch); allowed again: committed once', async () => {
    const { name, writeBack, userCommit } = await repository();
    await server.declinePushes(name, 'main is frozen for the release');
    const before = git.pushes;
    const declined = await writeBack.apply(failedCanary(), rollback, signal);
    expect(declined).toEqual({ ok: false, message: expect.stringMatching(/^the Git server declined the push to main: .*main is frozen for the release/) });
    expect(git.pushes - before).toBe(1);
    expect((await server.log(name)).map((c) => c.sha)).toEqual([userCommit]);

    await server.declinePushes(name, null);
    const result = await writeBack.apply(failedCanary(), rollback, signal);
    expect(result).toMatchObject({ ok: true, commit: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect((await server.log(name)).map((c) => c.sha)).toEqual([result.commit, userCommit]);
    expect((await server.log(name)).filter((c) => c.subject.startsWith('Revert tenant/podinfo'))).toHaveLength(1);
    expect(await forcedUpdates(name)).toEqual([]);
  });
});
