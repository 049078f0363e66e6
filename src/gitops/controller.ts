import type { Logger } from 'pino';
import { type GitSource, gitSource } from '../api/index.js';
import { parseDuration } from '../engine/index.js';
import { isConflict, isNotFound } from '../kube/errors.js';
import type { KubeClient, KubeObject, WatchEventType } from '../kube/types.js';
import { errorMessage } from './errors.js';
import type { GitClient } from './git.js';
import type { GitOpsMetrics } from './metrics.js';
import { type LastWriteBack, readyMessage, statusAfterSync, type SyncEvent, type SyncResult } from './status.js';
import { syncGitSource } from './sync.js';
import { CANARY, type ClientFor, CONFIGMAP, DEPLOYMENT, GIT_SOURCE, type KeyQueue, type KeyScheduler, SECRET, type SharedCache } from './types.js';

export interface GitOpsConfig {
  /** Working copies: `<cacheDir>/<namespace>/<name>/{sync,write}`. */
  cacheDir: string;
  allowControllerIdentity: boolean;
  /** GitSources synced in parallel. */
  workers: number;
}

export interface GitSourceControllerDeps {
  /** The controller's own identity: GitSource status and Events. */
  kube: KubeClient;
  /** Its own informer cache for GitSources: stopped with the controller. */
  sources: SharedCache & { stop(): void };
  /** The Canary controller's caches: Secrets, ConfigMaps, Canaries, Deployments (watched here if not yet). */
  cache: SharedCache;
  clientFor: ClientFor;
  /** The scheduler must add the keys it fires to `queue`. */
  queue: KeyQueue;
  scheduler: KeyScheduler;
  git: GitClient;
  config: GitOpsConfig;
  logger: Logger;
  metrics: GitOpsMetrics;
  now?: () => Date;
}

export const DEFAULT_INTERVAL_MS = 5 * 60_000;
/** Annotate a GitSource with this (any new value) to sync it now, as a push would. */
export const REQUESTED_AT_ANNOTATION = 'pennant.dev/requested-at';
const FIRST_RETRY_MS = 10_000;
const CONFLICT_RETRY_MS = 1_000;

/**
 * Syncs every GitSource on its interval, when its spec changes, on a signed push and after a
 * write-back. One work queue (a GitSource is never synced twice at once), one timer heap.
 */
export class GitSourceController {
  private readonly abort = new AbortController();
  private readonly failures = new Map<string, number>();
  private readonly writeBacks = new Map<string, LastWriteBack>();
  private workers: Promise<void>[] = [];
  private unsubscribe: (() => void) | undefined;
  private started = false;

  constructor(private readonly deps: GitSourceControllerDeps) {}

  get ready(): boolean {
    return this.started;
  }

  async start(): Promise<void> {
    await this.deps.cache.watch([SECRET, CONFIGMAP, CANARY, DEPLOYMENT]);
    await this.deps.sources.watch([GIT_SOURCE]);
    this.unsubscribe = this.deps.sources.onChange(GIT_SOURCE, (type, obj, old) => this.onChange(type, obj, old));
    for (const source of this.deps.sources.list(GIT_SOURCE)) this.deps.queue.add(keyOf(source));
    this.workers = Array.from({ length: this.deps.config.workers }, () => this.work());
    this.started = true;
    this.deps.logger.info({ workers: this.deps.config.workers }, 'gitsource controller started');
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.deps.scheduler.stop();
    this.deps.queue.shutdown();
    this.abort.abort();
    await Promise.all(this.workers);
    this.deps.sources.stop();
    this.started = false;
    this.deps.logger.info('gitsource controller stopped');
  }

  /** A parsed GitSource from the cache. */
  get(namespace: string, name: string): GitSource | undefined {
    return parse(this.deps.sources.get(GIT_SOURCE, namespace, name));
  }

  list(): GitSource[] {
    return this.deps.sources.list(GIT_SOURCE).flatMap((raw) => parse(raw) ?? []);
  }

  /** Queues a sync now (a verified push); false when the GitSource is unknown or this replica does not run. */
  syncNow(namespace: string, name: string): boolean {
    if (!this.started || !this.get(namespace, name)) return false;
    this.deps.queue.add(`${namespace}/${name}`);
    return true;
  }

  /** A write-back committed: record it in the status with the next sync, and sync now so the cluster follows Git. */
  recordWriteBack(namespace: string, name: string, record: LastWriteBack): void {
    this.writeBacks.set(`${namespace}/${name}`, record);
    this.syncNow(namespace, name);
  }

  private onChange(type: WatchEventType, obj: KubeObject, old?: KubeObject): void {
    const key = keyOf(obj);
    if (type === 'DELETED') {
      this.deps.scheduler.cancel(key);
      this.failures.delete(key);
      this.writeBacks.delete(key);
      return;
    }
    const requested = (o?: KubeObject) => o?.metadata.annotations?.[REQUESTED_AT_ANNOTATION];
    // Our own status writes change neither the generation nor the annotation: they are not a reason to sync.
    if (type === 'ADDED' || obj.metadata.generation !== old?.metadata.generation || requested(obj) !== requested(old)) this.deps.queue.add(key);
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.deps.queue.get();
      if (key === undefined) return;
      try {
        await this.process(key);
      } catch (err) {
        this.deps.logger.error({ gitsource: key, err: errorMessage(err) }, 'gitsource sync failed unexpectedly');
        this.deps.scheduler.schedule(key, FIRST_RETRY_MS);
      } finally {
        this.deps.queue.done(key);
      }
    }
  }

  private async process(key: string): Promise<void> {
    const [namespace = '', name = ''] = key.split('/');
    const raw = this.deps.sources.get(GIT_SOURCE, namespace, name);
    const parsed = raw && gitSource.safeParse(raw);
    if (parsed && !parsed.success) this.deps.logger.warn({ gitsource: key, problem: parsed.error.issues[0]?.message }, 'gitsource cannot be read; fix its spec');
    const source = parsed?.success ? parsed.data : undefined;
    if (!source || source.spec.suspend || this.abort.signal.aborted) return;
    const started = Date.now();
    const result = await syncGitSource({ ...this.deps, ...this.deps.config }, source, this.abort.signal);
    if (this.abort.signal.aborted) return;
    const seconds = (Date.now() - started) / 1000;
    this.deps.metrics.syncs.inc({ result: result.reason });
    this.deps.metrics.syncDuration.observe({ result: result.reason }, seconds);
    const written = await this.writeStatus(source, result);
    if (written) await this.report(source, result);
    this.deps.logger[result.reason === 'Succeeded' ? 'info' : 'warn']({ gitsource: key, result: result.reason, revision: result.attemptedRevision, seconds, message: result.message }, 'gitsource synced');
    this.deps.scheduler.schedule(key, written ? this.nextSyncMs(key, source, result) : CONFLICT_RETRY_MS);
  }

  private async writeStatus(source: GitSource, result: SyncResult): Promise<boolean> {
    const key = keyOf(source);
    const writeBack = this.writeBacks.get(key);
    const status = statusAfterSync(source, result, this.now(), writeBack);
    try {
      await this.deps.kube.patchStatus(refOf(source), status, source.metadata.resourceVersion ?? '');
      if (writeBack && this.writeBacks.get(key) === writeBack) this.writeBacks.delete(key);
      return true;
    } catch (err) {
      if (isConflict(err) || isNotFound(err)) return false;
      throw err;
    }
  }

  /** Events: what changed, and a failure once per new message (not at every retry). */
  private async report(source: GitSource, result: SyncResult): Promise<void> {
    const events: SyncEvent[] = [...result.events];
    if (result.reason !== 'Succeeded' && readyMessage(source) !== result.message) {
      events.push({ type: 'Warning', reason: result.reason, message: result.message });
    }
    for (const event of events) {
      await this.deps.kube.recordEvent({ regarding: { ...refOf(source), ...(source.metadata.uid ? { uid: source.metadata.uid } : {}) }, ...event })
        .catch((err: unknown) => this.deps.logger.warn({ gitsource: keyOf(source), err: errorMessage(err) }, 'could not record an event'));
    }
  }

  private nextSyncMs(key: string, source: GitSource, result: SyncResult): number {
    const interval = parseDuration(source.spec.interval ?? '') ?? DEFAULT_INTERVAL_MS;
    if (result.reason === 'Succeeded') {
      this.failures.delete(key);
      return interval;
    }
    const attempts = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, attempts);
    return Math.min(interval, FIRST_RETRY_MS * 2 ** (attempts - 1));
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}

export const keyOf = (obj: { metadata: { namespace?: string; name?: string } }): string => `${obj.metadata.namespace ?? 'default'}/${obj.metadata.name ?? ''}`;

export const refOf = (source: GitSource) => ({ ...GIT_SOURCE, namespace: source.metadata.namespace ?? 'default', name: source.metadata.name ?? '' });

function parse(raw: KubeObject | undefined): GitSource | undefined {
  if (!raw) return undefined;
  const parsed = gitSource.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}
