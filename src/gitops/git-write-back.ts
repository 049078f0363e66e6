import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Canary, GitSource } from '../api/index.js';
import type { WriteBackResult } from '../engine/types.js';
import { errorMessage, GitOpsError } from './errors.js';
import type { GitClient } from './git.js';
import { KeyedLock } from './keyed-lock.js';
import { defaultMessage, type MessageVariables, renderMessage } from './message.js';
import type { GitOpsMetrics } from './metrics.js';
import type { LastWriteBack } from './status.js';
import { credentialsOf, describeProblems, readSource, timeoutOf, workDir } from './sync.js';
import { DEPLOYMENT, type SharedCache } from './types.js';
import { type Change, planChange, type WorkloadFacts } from './write-back-change.js';
import type { PendingWriteBack, WriteBack } from './write-back.js';

/** What the write-back needs of the GitSource controller. */
export interface GitSources {
  readonly ready: boolean;
  list(): GitSource[];
  get(namespace: string, name: string): GitSource | undefined;
  recordWriteBack(namespace: string, name: string, record: LastWriteBack): void;
}

export interface GitWriteBackDeps {
  sources: GitSources;
  /** The controller's caches: Deployments (target and primary), Secrets, ConfigMaps. */
  cache: Pick<SharedCache, 'get'>;
  git: GitClient;
  cacheDir: string;
  logger: Logger;
  metrics?: GitOpsMetrics;
  /** Push attempts when the remote keeps moving, and the first backoff (doubled each time). */
  attempts?: number;
  backoffMs?: number;
}

export const DEFAULT_AUTHOR = { name: 'Pennant', email: 'pennant@localhost' };

/**
 * Commits the outcome of a rollout to the GitSource the Canary's target came from: after a rollback
 * Git declares what the primary runs again; after a promotion the Canary's manifest records what
 * was promoted. Idempotent; never force-pushes: when the remote moved, the same edit is made again on
 * its new tip. Never throws.
 */
export class GitWriteBack implements WriteBack {
  private readonly lock = new KeyedLock();

  constructor(private readonly deps: GitWriteBackDeps) {}

  async apply(canary: Canary, pending: PendingWriteBack, signal: AbortSignal): Promise<WriteBackResult> {
    try {
      const result = await this.write(canary, pending, signal);
      this.deps.metrics?.writeBacks.inc({ outcome: pending.outcome, result: result.commit ? 'committed' : result.ok ? 'unchanged' : 'failed' });
      return result;
    } catch (err) {
      this.deps.metrics?.writeBacks.inc({ outcome: pending.outcome, result: 'failed' });
      return { ok: false, message: errorMessage(err) };
    }
  }

  private async write(canary: Canary, pending: PendingWriteBack, signal: AbortSignal): Promise<WriteBackResult> {
    const spec = canary.spec.writeBack ?? {};
    if (pending.outcome === 'rolledBack' && spec.onRollback === 'None') return { ok: true, message: 'writeBack.onRollback is None: nothing written to Git' };
    if (pending.outcome === 'promoted' && spec.onPromotion === 'None') return { ok: true, message: 'writeBack.onPromotion is None: nothing written to Git' };
    // Reverting means finding the target's manifest and the primary's template: Deployments only, for now.
    if (canary.spec.targetRef.kind !== 'Deployment') return { ok: true, message: `write-back of ${canary.spec.targetRef.kind} targets is not supported yet: nothing written to Git` };
    if (!this.deps.sources.ready) return { ok: false, message: 'the GitSource controller has not started yet' };
    const namespace = canary.metadata.namespace ?? 'default';
    const found = this.sourceOf(canary);
    if (typeof found === 'string') return { ok: false, message: found };
    if (!found) return { ok: true, message: `no GitSource manages ${namespace}/${canary.spec.targetRef.name}: nothing to write back` };
    const branch = writeBranch(found);
    if (!branch) return { ok: false, message: `GitSource ${namespace}/${found.metadata.name} is pinned to ${found.spec.ref?.tag ? `tag ${found.spec.ref.tag}` : `commit ${found.spec.ref?.commit}`}: set spec.writeBack.branch to write back to a branch` };
    const template = canary.spec.writeBack?.messageTemplate ?? found.spec.writeBack?.messageTemplate;
    const checked = template === undefined ? undefined : renderMessage(template, { canary: 'c', namespace: 'n', outcome: pending.outcome, reason: 'r', images: 'i' });
    if (checked && !checked.ok) return { ok: false, message: checked.error };
    const facts = this.workloadFacts(namespace, canary.spec.targetRef.name);
    if (typeof facts === 'string') return { ok: false, message: facts };
    const key = `${found.metadata.namespace}/${found.metadata.name}`;
    return this.lock.run(key, () => this.commitWithRetries(canary, pending, found, branch, facts, signal));
  }

  /** Fetch the tip, make the edit, commit, push; when the remote moved meanwhile, again from its new tip. */
  private async commitWithRetries(canary: Canary, pending: PendingWriteBack, source: GitSource, branch: string, facts: WorkloadFacts, signal: AbortSignal): Promise<WriteBackResult> {
    const dir = workDir(this.deps.cacheDir, source, 'write');
    const options = { credentials: await credentialsOf(this.deps.cache, source), signal, timeoutMs: timeoutOf(source) };
    const attempts = this.deps.attempts ?? 4;
    let lastError = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const tip = await this.deps.git.checkoutBranchTip(dir, source.spec.url, branch, options);
      const change = await this.changeAt(dir, canary, pending, source, facts);
      if (change.kind === 'none') return { ok: true, message: `${change.message} (${branch}@${tip.sha.slice(0, 12)}); nothing to commit` };
      await writeFile(join(dir, change.file), change.text);
      const message = commitMessage(canary, source, change.vars);
      const commit = await this.deps.git.commit(dir, [change.file], message, source.spec.writeBack?.author ?? DEFAULT_AUTHOR, options);
      try {
        await this.deps.git.push(dir, branch, options);
      } catch (err) {
        if (err instanceof GitOpsError && err.code === 'PushDeclined') return { ok: false, message: `the Git server declined the push to ${branch}: ${err.message}` };
        if (!(err instanceof GitOpsError) || err.code !== 'PushRejected') throw err;
        lastError = err.message;
        this.deps.logger.info({ gitsource: `${source.metadata.namespace}/${source.metadata.name}`, branch, attempt }, 'write-back push rejected: the branch moved; redoing the edit on its new tip');
        if (attempt < attempts) await sleep((this.deps.backoffMs ?? 500) * 2 ** (attempt - 1), signal);
        continue;
      }
      this.deps.sources.recordWriteBack(source.metadata.namespace ?? 'default', source.metadata.name ?? '', {
        commit, canary: `${canary.metadata.namespace}/${canary.metadata.name}`, outcome: pending.outcome, time: new Date().toISOString(),
      });
      return { ok: true, message: `${change.summary} in ${change.file}, commit ${commit.slice(0, 12)} on ${branch}`, commit };
    }
    return { ok: false, message: `pushing to ${branch} was rejected ${attempts} times (the branch kept moving): ${lastError}` };
  }

  private async changeAt(dir: string, canary: Canary, pending: PendingWriteBack, source: GitSource, facts: WorkloadFacts): Promise<Change> {
    const read = await readSource(dir, source);
    if (!read.ok) throw new GitOpsError('Manifests', `cannot read the manifests of GitSource ${source.metadata.namespace}/${source.metadata.name}: ${describeProblems(read.problems)}`);
    return planChange({ canary, pending, manifests: read.manifests, facts, readText: (file) => readFile(join(dir, file), 'utf8') });
  }

  /** spec.writeBack.sourceRef, else the GitSource whose inventory holds the target Deployment. */
  private sourceOf(canary: Canary): GitSource | string | undefined {
    const namespace = canary.metadata.namespace ?? 'default';
    const ref = canary.spec.writeBack?.sourceRef;
    if (ref) return this.deps.sources.get(ref.namespace ?? namespace, ref.name) ?? `GitSource ${ref.namespace ?? namespace}/${ref.name} (spec.writeBack.sourceRef) not found`;
    const target = canary.spec.targetRef.name;
    return this.deps.sources.list()
      .sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`))
      .find((s) => (s.status?.inventory ?? []).some((r) => r.kind === 'Deployment' && r.apiVersion.startsWith('apps/') && r.name === target && (r.namespace ?? '') === namespace));
  }

  private workloadFacts(namespace: string, target: string): WorkloadFacts | string {
    const primary = this.deps.cache.get(DEPLOYMENT, namespace, `${target}-primary`);
    if (!primary) return `Deployment ${namespace}/${target}-primary not found: nothing tells which version was promoted`;
    const live = this.deps.cache.get(DEPLOYMENT, namespace, target);
    if (!live) return `Deployment ${namespace}/${target} not found`;
    return {
      primary, target: live,
      isPrimaryCopy: (kind, name) => (this.deps.cache.get({ apiVersion: 'v1', kind }, namespace, name)?.metadata.ownerReferences as { kind?: string }[] | undefined ?? []).some((o) => o.kind === 'Canary'),
    };
  }
}

/** writeBack.branch, else the branch the GitSource follows; none when it is pinned to a tag or commit. */
export function writeBranch(source: GitSource): string | undefined {
  if (source.spec.writeBack?.branch) return source.spec.writeBack.branch;
  const ref = source.spec.ref;
  if (ref?.tag || ref?.commit) return undefined;
  return ref?.branch ?? 'main';
}

function commitMessage(canary: Canary, source: GitSource, vars: MessageVariables): string {
  const template = canary.spec.writeBack?.messageTemplate ?? source.spec.writeBack?.messageTemplate;
  if (!template) return defaultMessage(canary, vars);
  const rendered = renderMessage(template, vars);
  if (!rendered.ok) throw new GitOpsError('Manifests', rendered.error);
  return rendered.message;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}
