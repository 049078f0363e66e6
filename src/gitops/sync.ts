import { join } from 'node:path';
import type { GitSource } from '../api/index.js';
import { parseDuration } from '../engine/index.js';
import { applyAll, pruneAll } from './apply.js';
import { credentialsFromSecret, type GitCredentials, NO_CREDENTIALS } from './credentials.js';
import { errorMessage } from './errors.js';
import type { GitClient, GitRef } from './git.js';
import { type Manifest, parseManifests } from './manifests.js';
import { canaryNamesOf, type ClusterFacts, nextInventory, planApply, pruneSet } from './plan.js';
import { describeObject } from './scope.js';
import { collectSourceFiles, type SourceProblem } from './source-files.js';
import type { SyncEvent, SyncResult } from './status.js';
import { CANARY, type ClientFor, DEPLOYMENT, type Identity, secretData, SERVICE, type SharedCache } from './types.js';

export interface SyncDeps {
  git: GitClient;
  /** Working copies live in `<cacheDir>/<namespace>/<name>/`. */
  cacheDir: string;
  /** The controller's caches: Secrets (credentials), Canaries and Deployments (the replicas rule). */
  cache: Pick<SharedCache, 'get' | 'list'>;
  clientFor: ClientFor;
  /** `--gitops-allow-controller-identity`: a GitSource without serviceAccountName applies as the controller. */
  allowControllerIdentity: boolean;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
const MAX_PROBLEMS_LISTED = 5;

/**
 * One sync: fetch, read and validate every manifest, apply them all as the GitSource's
 * ServiceAccount, prune what left Git. Nothing is applied from a commit with any invalid document.
 * Never throws: every failure is a result with its reason.
 */
export async function syncGitSource(deps: SyncDeps, source: GitSource, signal: AbortSignal): Promise<SyncResult> {
  const identity = identityOf(source, deps.allowControllerIdentity);
  if (typeof identity === 'string') return { reason: 'ValidationFailed', message: identity, events: [] };
  let checkout: { revision: string };
  const dir = workDir(deps.cacheDir, source, 'sync');
  try {
    checkout = await deps.git.checkout(dir, source.spec.url, refOf(source), { credentials: await credentialsOf(deps.cache, source), signal, timeoutMs: timeoutOf(source) });
  } catch (err) {
    return { reason: 'FetchFailed', message: `fetching ${describeRef(source)} failed: ${errorMessage(err)}`, events: [] };
  }
  const revision = checkout.revision;
  const read = await readSource(dir, source);
  if (!read.ok) return { reason: 'ValidationFailed', message: `${revision}: ${describeProblems(read.problems)}; nothing was applied`, fetchedRevision: revision, attemptedRevision: revision, events: [] };
  return applyRevision(deps, source, identity, read.manifests, revision, signal);
}

async function applyRevision(deps: SyncDeps, source: GitSource, identity: Identity, manifests: Manifest[], revision: string, signal: AbortSignal): Promise<SyncResult> {
  const kube = deps.clientFor(identity);
  const plan = planApply(manifests, clusterFacts(deps.cache));
  const previous = source.status?.inventory ?? [];
  const base = { fetchedRevision: revision, attemptedRevision: revision };
  const applied = await applyAll(kube, plan.objects, signal);
  if (applied.failure) {
    const inventory = nextInventory(previous, applied.applied, false);
    return { ...base, reason: applied.failure.reason, message: `${revision}: ${applied.failure.message}`, inventory, events: [] };
  }
  const events: SyncEvent[] = [];
  let inventory = nextInventory(previous, applied.applied, true);
  if (source.spec.prune !== false) {
    const pruned = await pruneAll(kube, pruneSet(previous, applied.applied), signal);
    if (pruned.deleted.length) events.push({ type: 'Normal', reason: 'Pruned', message: `deleted ${pruned.deleted.map(describeObject).join(', ')}: no longer in Git` });
    if (pruned.kept.length) events.push({ type: 'Warning', reason: 'NotPruned', message: `left ${pruned.kept.map(describeObject).join(', ')} in place although Git no longer declares them: deleting a Namespace or CRD deletes everything in it; delete it by hand` });
    if (pruned.failure) {
      const gone = new Set(pruned.deleted.map((r) => JSON.stringify(r)));
      inventory = nextInventory(previous.filter((r) => !gone.has(JSON.stringify(r))), applied.applied, false);
      return { ...base, reason: pruned.failure.reason, message: `${revision}: prune: ${pruned.failure.message}`, inventory, events };
    }
  }
  const dropped = plan.ownedFieldsDropped.length ? `; left to Pennant: ${plan.ownedFieldsDropped.join(', ')}` : '';
  const message = `applied ${revision}: ${applied.applied.length} object${applied.applied.length === 1 ? '' : 's'}${dropped}`;
  if (source.status?.lastAppliedRevision !== revision) events.push({ type: 'Normal', reason: 'Synced', message });
  return { ...base, appliedRevision: revision, reason: 'Succeeded', message, inventory, events };
}

/** Reads and validates the manifests of a checked-out revision. */
export async function readSource(dir: string, source: GitSource): Promise<{ ok: true; manifests: Manifest[] } | { ok: false; problems: SourceProblem[] }> {
  try {
    const collected = await collectSourceFiles(dir, source.spec.paths ?? ['.']);
    if (collected.problems.length) return { ok: false, problems: collected.problems };
    return parseManifests(collected.files, defaultNamespaceOf(source));
  } catch (err) {
    return { ok: false, problems: [{ file: '.', line: 1, message: errorMessage(err) }] };
  }
}

export const defaultNamespaceOf = (source: GitSource): string => source.spec.targetNamespace ?? source.metadata.namespace ?? 'default';

function identityOf(source: GitSource, allowController: boolean): Identity | string {
  const name = source.spec.serviceAccountName;
  if (name) return { kind: 'serviceAccount', namespace: source.metadata.namespace ?? 'default', name };
  if (allowController) return { kind: 'controller' };
  return 'spec.serviceAccountName is required: the manifests are applied as that ServiceAccount of the GitSource\'s namespace, so a GitSource can do no more than its namespace allows (or start pennant with --gitops-allow-controller-identity to apply as the controller)';
}

export async function credentialsOf(cache: Pick<SharedCache, 'get' | 'content'>, source: GitSource): Promise<GitCredentials> {
  const ref = source.spec.secretRef;
  if (!ref) return NO_CREDENTIALS;
  const namespace = source.metadata.namespace ?? 'default';
  return credentialsFromSecret(await secretData(cache, namespace, ref.name), `Secret ${namespace}/${ref.name} (spec.secretRef)`, source.spec.url);
}

export const refOf = (source: GitSource): GitRef => source.spec.ref ?? { branch: 'main' };

export const timeoutOf = (source: GitSource): number => parseDuration(source.spec.timeout ?? '') ?? DEFAULT_TIMEOUT_MS;

export const workDir = (cacheDir: string, source: GitSource, purpose: 'sync' | 'write'): string =>
  join(cacheDir, source.metadata.namespace ?? 'default', source.metadata.name ?? '', purpose);

function describeRef(source: GitSource): string {
  const ref = refOf(source);
  return ref.commit ? `commit ${ref.commit}` : ref.tag ? `tag ${ref.tag}` : `branch ${ref.branch ?? 'main'}`;
}

export function describeProblems(problems: readonly SourceProblem[]): string {
  const listed = problems.slice(0, MAX_PROBLEMS_LISTED).map((p) => `${p.file}:${p.line}: ${p.message}`);
  const more = problems.length > MAX_PROBLEMS_LISTED ? ` (and ${problems.length - MAX_PROBLEMS_LISTED} more)` : '';
  return `${listed.join('; ')}${more}`;
}

function clusterFacts(cache: Pick<SharedCache, 'get' | 'list'>): ClusterFacts {
  return {
    canaries: (namespace) => cache.list(CANARY, namespace).flatMap((c) => {
      const names = canaryNamesOf(c);
      return names ? [names] : [];
    }),
    exists: (kind, namespace, name) => cache.get(kind === 'Deployment' ? DEPLOYMENT : SERVICE, namespace, name) !== undefined,
  };
}
