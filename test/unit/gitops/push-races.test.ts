import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Canary, GitSource } from '../../../src/api/index.js';
import { GitClient } from '../../../src/gitops/git.js';
import { GitWriteBack, type GitSources } from '../../../src/gitops/git-write-back.js';
import type { PendingWriteBack } from '../../../src/gitops/write-back.js';
import { git, gitEnv } from '../../harness/git-exec.js';
import { seededRandom } from '../../harness/prng.js';
import { type GitServer, startGitServer } from '../../harness/index.js';
import { canaryOf, CANARY_YAML, gitSourceOf, PODINFO_YAML } from './fixtures.js';
import { cache, failedCanary, promotion, rollback, TOKEN } from './write-back-fixtures.js';

// Full run (docs/reliability.md): PENNANT_RACE_PUSHERS=20 PENNANT_RACE_COMMITS=10
const PUSHERS = Number(process.env.PENNANT_RACE_PUSHERS ?? 20);
const COMMITS = Number(process.env.PENNANT_RACE_COMMITS ?? 1);
/** A person retries a rejected push (fetch, rebase, push) until it lands; bounded so a bug fails instead of hanging. */
const PUSH_TRIES = 200;
const REPO = 'raced';

/** Counts Pennant's pushes: more than one per write-back means it was rejected and made its edit again. */
class CountingGit extends GitClient {
  pushes = 0;
  override async push(...args: Parameters<GitClient['push']>): Promise<void> {
    this.pushes++;
    return super.push(...args);
  }
}

/**
 * Push races on a real repository (smart HTTP, git http-backend): PUSHERS people push COMMITS
 * commits each to main, rebasing when rejected, while Pennant writes a rollback and then a
 * promotion back to the same branch. Every commit must be in the final history exactly once and
 * every update of the branch must be a fast-forward.
 */
describe(`${PUSHERS} concurrent pushers × ${COMMITS} commits while write-backs happen`, () => {
  let server: GitServer;
  let work: string;
  const landed: string[] = [];
  const counting = new CountingGit(process.env, tmpdir());
  const jitter = seededRandom(Number(process.env.PENNANT_RACE_SEED ?? 1));

  beforeAll(async () => {
    server = await startGitServer({ token: TOKEN });
    work = await mkdtemp(join(tmpdir(), 'pennant-race-'));
    await server.createRepo(REPO);
    await server.commitFiles(REPO, { 'apps/podinfo.yaml': PODINFO_YAML, 'apps/canary.yaml': CANARY_YAML }, 'Release podinfo 6.0.1');
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await rm(work, { recursive: true, force: true });
  });

  /** One person: clone, then per commit a new file, pushed; on rejection fetch, rebase, push again. */
  async function pusher(i: number): Promise<void> {
    const env = gitEnv({ name: `Pusher ${i}`, email: `p${i}@example.com` });
    const dir = join(work, `p${i}`);
    await git(['clone', '--quiet', server.repoUrl(REPO), dir], { env });
    for (let k = 0; k < COMMITS; k++) {
      await writeFile(join(dir, `note-${i}-${k}.txt`), `pusher ${i}, commit ${k}\n`);
      await git(['add', '--all'], { cwd: dir, env });
      await git(['commit', '--quiet', '-m', `pusher ${i} commit ${k}`], { cwd: dir, env });
      await pushUntilLanded(dir, env);
      landed.push((await git(['rev-parse', 'HEAD'], { cwd: dir, env })).trim());
    }
  }

  async function pushUntilLanded(dir: string, env: NodeJS.ProcessEnv): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return void (await git(['push', '--quiet', 'origin', 'HEAD:main'], { cwd: dir, env }));
      } catch (err) {
        if (attempt >= PUSH_TRIES) throw err;
        // as people do, not all at the same instant: a short seeded pause spreads the retries
        await new Promise((r) => setTimeout(r, Math.floor(jitter() * 100 * Math.min(attempt, 5))));
        await git(['pull', '--quiet', '--rebase', 'origin', 'main'], { cwd: dir, env });
      }
    }
  }

  /** Pennant's write-back as the engine drives it: retried (pendingWriteBack) until it lands. */
  async function writeBackUntilLanded(canary: Canary, pending: PendingWriteBack, source: GitSource): Promise<string> {
    const sources: GitSources = { ready: true, list: () => [source], get: () => source, recordWriteBack: () => undefined };
    const writeBack = new GitWriteBack({ sources, cache, git: counting, cacheDir: join(work, 'pennant'), logger: pino({ level: 'silent' }), backoffMs: 5, attempts: 10 });
    for (let round = 1; ; round++) {
      const result = await writeBack.apply(canary, pending, new AbortController().signal);
      if (result.ok && result.commit) return result.commit;
      if (round >= 20) throw new Error(`write-back never landed: ${result.message ?? ''}`);
    }
  }

  it('0 lost commits, 0 force-pushes, each write-back once on top of the pushes before it', async () => {
    const source = gitSourceOf({ url: `${server.url}/${REPO}.git`, secretRef: { name: 'git' }, serviceAccountName: 'deployer' }, {
      inventory: [{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'tenant', name: 'podinfo' }],
    }, REPO);
    const pushes = Promise.all(Array.from({ length: PUSHERS }, (_, i) => pusher(i)));
    // the write-backs start once the race is on: the first commit has landed
    await expect.poll(() => landed.length, { timeout: 300_000 }).toBeGreaterThanOrEqual(1);
    const revert = await writeBackUntilLanded(failedCanary(), rollback, source);
    const record = await writeBackUntilLanded(canaryOf({ phase: 'Succeeded' }), promotion, source);
    const afterWriteBacks = PUSHERS * COMMITS - landed.length;
    await pushes;
    process.stderr.write(`push races: ${landed.length} commits of ${PUSHERS} pushers (${afterWriteBacks} after both write-backs); Pennant pushed ${counting.pushes} times for 2 write-backs\n`);

    const log = await server.log(REPO);
    const shas = log.map((c) => c.sha);
    expect(landed).toHaveLength(PUSHERS * COMMITS);
    expect(landed.filter((sha) => !shas.includes(sha))).toEqual([]);
    expect(new Set(shas).size).toBe(shas.length);
    expect(log).toHaveLength(1 + PUSHERS * COMMITS + 2);
    expect(log.filter((c) => c.author.name === 'Pennant').map((c) => c.sha)).toEqual([record, revert]);
    expect(log.filter((c) => c.subject.startsWith('Revert tenant/podinfo'))).toHaveLength(1);
    expect(log.filter((c) => c.subject.startsWith('Record promotion of tenant/podinfo'))).toHaveLength(1);

    const updates = await server.refUpdates(REPO);
    const forced = [];
    for (const { from, to } of updates) if (!/^0+$/.test(from) && !(await server.isAncestor(REPO, from, to))) forced.push(`${from}..${to}`);
    expect(forced).toEqual([]);
    expect(updates).toHaveLength(log.length);
    const text = await server.readFile(REPO, 'apps/podinfo.yaml');
    expect(text).toContain('podinfo:6.0.0');
    expect(await server.readFile(REPO, 'apps/canary.yaml')).toContain('pennant.dev/promoted');
  }, 600_000);
});
