import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Canary, GitSource } from '../../../src/api/index.js';
import { GitOpsError } from '../../../src/gitops/errors.js';
import { GitClient, type GitCallOptions } from '../../../src/gitops/git.js';
import { GitWriteBack, type GitSources } from '../../../src/gitops/git-write-back.js';
import type { LastWriteBack } from '../../../src/gitops/status.js';
import { startGitServer, type GitServer } from '../../harness/index.js';
import { CANARY_YAML, canaryOf, gitSourceOf, PODINFO_YAML } from './fixtures.js';
import { cache, failedCanary, promotion, rollback, secret, TOKEN } from './write-back-fixtures.js';

const signal = new AbortController().signal;

/** A GitClient that lets someone else push right before each of our first `racing` pushes. */
class RacingGit extends GitClient {
  racing = 0;
  pushes = 0;
  onRace: () => Promise<void> = async () => undefined;
  override async push(dir: string, branch: string, options: GitCallOptions): Promise<void> {
    this.pushes++;
    if (this.racing > 0) {
      this.racing--;
      await this.onRace();
    }
    return super.push(dir, branch, options);
  }
}

describe('GitWriteBack against a real repository', () => {
  let server: GitServer;
  let cacheDir: string;
  let userCommit: string;
  const recorded: { ns: string; name: string; record: LastWriteBack }[] = [];
  let source: GitSource;
  const sources: GitSources = {
    ready: true,
    list: () => [source],
    get: (ns, name) => (ns === source.metadata.namespace && name === source.metadata.name ? source : undefined),
    recordWriteBack: (ns, name, record) => void recorded.push({ ns, name, record }),
  };
  const git = new RacingGit(process.env, tmpdir());
  const writeBack = (): GitWriteBack => new GitWriteBack({ sources, cache, git, cacheDir, logger: pino({ level: 'silent' }), backoffMs: 10 });

  beforeAll(async () => {
    server = await startGitServer({ token: TOKEN });
    cacheDir = await mkdtemp(join(tmpdir(), 'pennant-wb-'));
  });
  afterAll(async () => {
    await server.stop();
    await rm(cacheDir, { recursive: true, force: true });
  });

  let repo = 0;
  beforeEach(async () => {
    const name = `apps${repo++}`;
    await server.createRepo(name);
    userCommit = await server.commitFiles(name, { 'apps/podinfo.yaml': PODINFO_YAML, 'apps/canary.yaml': CANARY_YAML }, 'Release podinfo 6.0.1', { author: { name: 'Dev', email: 'dev@example.com' } });
    source = gitSourceOf({ url: `${server.url}/${name}.git`, secretRef: { name: 'git' }, serviceAccountName: 'deployer' }, {
      inventory: [{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'tenant', name: 'podinfo' }],
    }, name);
    recorded.length = 0;
  });

  const repoName = () => source.metadata.name ?? '';

  it('rollback: commits the primary\'s images, comments intact, the failing check in the message; idempotent', async () => {
    const result = await writeBack().apply(failedCanary(), rollback, signal);
    expect(result).toMatchObject({ ok: true, commit: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(await server.readFile(repoName(), 'apps/podinfo.yaml')).toBe(PODINFO_YAML.replace('"migrate:1.1"', '"migrate:1.0"').replace('podinfo:6.0.1', 'podinfo:6.0.0'));
    const [ours, theirs] = await server.log(repoName());
    expect(ours).toMatchObject({ sha: result.commit, author: { name: 'Pennant', email: 'pennant@localhost' } });
    expect(ours?.subject).toBe('Revert tenant/podinfo to migrate=migrate:1.0, podinfod=ghcr.io/stefanprodan/podinfo:6.0.0, proxy=envoy:1.30');
    expect(ours?.message).toContain('- request-success-rate: 71.2 (min 99)');
    expect(theirs?.sha).toBe(userCommit);
    expect(recorded).toEqual([{ ns: 'tenant', name: repoName(), record: { commit: result.commit, canary: 'tenant/podinfo', outcome: 'rolledBack', time: expect.any(String) } }]);

    const again = await writeBack().apply(failedCanary(), rollback, signal);
    expect(again).toEqual({ ok: true, message: expect.stringContaining('nothing to commit') });
    expect(await server.log(repoName())).toHaveLength(2);
  });

  it('a push rejected because someone pushed first: the edit is made again on their commit; both are in the log', async () => {
    git.racing = 1;
    git.onRace = async () => void (await server.commitFiles(repoName(), { 'apps/other.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: other }\n' }, 'Someone else', { author: { name: 'Other', email: 'o@example.com' } }));
    const pushesBefore = git.pushes;
    const result = await writeBack().apply(failedCanary(), rollback, signal);
    expect(result.ok).toBe(true);
    expect(git.pushes - pushesBefore).toBe(2);
    const log = await server.log(repoName());
    expect(log.map((c) => c.subject)).toEqual([expect.stringMatching(/^Revert tenant\/podinfo/), 'Someone else', 'Release podinfo 6.0.1']);
    expect(log[0]?.sha).toBe(result.commit);
    expect(await server.readFile(repoName(), 'apps/other.yaml')).toContain('other');
  });

  it('gives up after the attempts with ok:false when the branch keeps moving (the engine retries later)', async () => {
    git.racing = 10;
    let n = 0;
    git.onRace = async () => void (await server.commitFiles(repoName(), { [`apps/c${n++}.yaml`]: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n'.replace('name: c', `name: c${n}`) }, `race ${n}`));
    const result = await new GitWriteBack({ sources, cache, git, cacheDir, logger: pino({ level: 'silent' }), backoffMs: 1, attempts: 3 }).apply(failedCanary(), rollback, signal);
    git.racing = 0;
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/^pushing to main was rejected 3 times/) });
    expect((await server.log(repoName()))[0]?.subject).toBe('race 3');
  });

  it('promotion: records what was promoted on the Canary\'s manifest, once', async () => {
    const canary = canaryOf({ phase: 'Succeeded' });
    const result = await writeBack().apply(canary, promotion, signal);
    expect(result.ok).toBe(true);
    const text = await server.readFile(repoName(), 'apps/canary.yaml');
    expect(text).toContain('pennant.dev/promoted: "migrate=migrate:1.0, podinfod=ghcr.io/stefanprodan/podinfo:6.0.0, proxy=envoy:1.30 at 2026-11-25T10:05:00.000Z"');
    expect(await server.readFile(repoName(), 'apps/podinfo.yaml')).toBe(PODINFO_YAML);
    expect((await writeBack().apply(canary, promotion, signal)).commit).toBeUndefined();
  });

  it('a messageTemplate renders the commit message', async () => {
    const result = await writeBack().apply(failedCanary({ messageTemplate: 'rollback {{ namespace }}/{{ canary }}: {{ reason }}' }), rollback, signal);
    expect(result.ok).toBe(true);
    expect((await server.log(repoName()))[0]?.message).toBe('rollback tenant/podinfo: failed checks threshold reached 2 (last failing: request-success-rate)');
  });

  it.each<[string, () => Canary, () => void, { ok: boolean; message: RegExp }]>([
    ['onRollback: None', () => failedCanary({ onRollback: 'None' }), () => undefined, { ok: true, message: /onRollback is None/ }],
    ['a DaemonSet target (not supported yet)', () => {
      const canary = failedCanary();
      return { ...canary, spec: { ...canary.spec, targetRef: { ...canary.spec.targetRef, kind: 'DaemonSet' } } };
    }, () => undefined, { ok: true, message: /^write-back of DaemonSet targets is not supported yet/ }],
    ['no GitSource manages the target', () => failedCanary(), () => { source = { ...source, status: { inventory: [] } }; }, { ok: true, message: /^no GitSource manages tenant\/podinfo/ }],
    ['a sourceRef that does not exist', () => failedCanary({ sourceRef: { name: 'gone' } }), () => undefined, { ok: false, message: /GitSource tenant\/gone \(spec.writeBack.sourceRef\) not found/ }],
    ['a GitSource pinned to a tag', () => failedCanary(), () => { source = { ...source, spec: { ...source.spec, ref: { tag: 'v1' } } }; }, { ok: false, message: /pinned to tag v1: set spec.writeBack.branch/ }],
    ['an unknown template variable', () => failedCanary({ messageTemplate: '{{ nope }}' }), () => undefined, { ok: false, message: /unknown variable \{\{ nope \}\}/ }],
    ['a wrong token (never quoted)', () => failedCanary(), () => { secret.data = { token: Buffer.from('wrong-value').toString('base64') }; }, { ok: false, message: /could not read Username|Authentication failed/ }],
  ])('%s', async (_name, canary, arrange, expected) => {
    const saved = secret.data;
    arrange();
    try {
      const result = await writeBack().apply(canary(), rollback, signal);
      expect(result).toEqual({ ok: expected.ok, message: expect.stringMatching(expected.message) });
      expect(result.message).not.toMatch(/wb-t0ken|wrong-value/);
      expect(await server.log(repoName())).toHaveLength(1);
    } finally {
      secret.data = saved;
    }
  });

  it('never throws: an unexpected failure is ok:false with the reason', async () => {
    class Broken extends GitClient {
      override async checkoutBranchTip(): Promise<never> {
        throw new GitOpsError('Unreachable', 'fatal: unable to access https://u:p4ss@h/r');
      }
    }
    const result = await new GitWriteBack({ sources, cache, git: new Broken(process.env, tmpdir()), cacheDir, logger: pino({ level: 'silent' }) }).apply(failedCanary(), rollback, signal);
    expect(result).toEqual({ ok: false, message: 'fatal: unable to access https://u:***@h/r' });
  });
});
