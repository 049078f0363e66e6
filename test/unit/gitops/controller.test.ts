import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { GitSourceStatus } from '../../../src/api/index.js';
import { ClusterCache } from '../../../src/controller/cluster-cache.js';
import { Scheduler } from '../../../src/controller/scheduler.js';
import { WorkQueue } from '../../../src/controller/work-queue.js';
import { GitSourceController } from '../../../src/gitops/controller.js';
import { GitClient } from '../../../src/gitops/git.js';
import { GitOpsMetrics } from '../../../src/gitops/metrics.js';
import type { Identity } from '../../../src/gitops/types.js';
import { DEFAULT_STATUS_SUBRESOURCE_KINDS, KubeError, MemoryKube } from '../../../src/kube/index.js';
import type { KubeClient, KubeObject, ObjectRef } from '../../../src/kube/types.js';
import { startGitServer, type GitServer } from '../../harness/index.js';
import { CANARY_YAML, PODINFO_YAML } from './fixtures.js';
import { IO_WAIT } from '../../harness/wait.js';

const TOKEN = 'sync-t0ken';
const NS = 'tenant';
const GIT_SOURCE = { apiVersion: 'pennant.dev/v1beta1', kind: 'GitSource' };
const configMap = (name: string, namespace?: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${namespace ? `  namespace: ${namespace}\n` : ''}data: { a: "1" }\n`;

/** The API server as a ServiceAccount sees it: allowed in its own namespace only. */
function tenantClient(kube: KubeClient, allowed: string, calls: string[], who: string): KubeClient {
  const check = (verb: string, ref: ObjectRef): void => {
    calls.push(`${who} ${verb} ${ref.kind} ${ref.namespace ?? ''}/${ref.name}`);
    if (ref.namespace !== allowed) throw new KubeError('Forbidden', `${ref.kind.toLowerCase()}s "${ref.name}" is forbidden: User "${who}" cannot ${verb} in the namespace "${ref.namespace ?? ''}"`, 403);
  };
  return Object.assign(Object.create(kube) as KubeClient, {
    apply: async (obj: KubeObject, options?: Parameters<KubeClient['apply']>[1]) => {
      check('patch', { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name ?? '', ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}) });
      return kube.apply(obj, options);
    },
    delete: async (ref: ObjectRef) => {
      check('delete', ref);
      return kube.delete(ref);
    },
  });
}

describe('GitSourceController on the in-memory cluster, syncing a real repository', () => {
  const kube = new MemoryKube({ statusSubresourceKinds: [...DEFAULT_STATUS_SUBRESOURCE_KINDS, 'GitSource'] });
  const calls: string[] = [];
  const identities: Identity[] = [];
  const registry = new Registry();
  const metrics = new GitOpsMetrics(registry);
  let server: GitServer;
  let cacheDir: string;
  let controller: GitSourceController;
  let allowController = false;

  const start = () => {
    const queue = new WorkQueue();
    controller = new GitSourceController({
      kube,
      sources: new ClusterCache(kube),
      cache: new ClusterCache(kube),
      clientFor: (who) => {
        identities.push(who);
        return who.kind === 'controller' ? kube : tenantClient(kube, who.namespace, calls, `system:serviceaccount:${who.namespace}:${who.name}`);
      },
      queue,
      scheduler: new Scheduler((key) => queue.add(key)),
      git: new GitClient(process.env, tmpdir()),
      config: { cacheDir, allowControllerIdentity: allowController, workers: 2 },
      logger: pino({ level: 'silent' }),
      metrics,
    });
    return controller.start();
  };

  const status = async (name = 'apps'): Promise<GitSourceStatus> => ((await kube.get({ ...GIT_SOURCE, namespace: NS, name }))?.status ?? {}) as GitSourceStatus;
  const ready = async (name = 'apps') => (await status(name)).conditions?.find((c) => c.type === 'Ready');
  const exists = async (kind: string, name: string, namespace = NS, apiVersion = 'v1') => (await kube.get({ apiVersion, kind, namespace, name })) !== null;
  const push = async (files: Record<string, string | null>, message: string) => server.commitFiles('apps', files, message);
  const waitFor = async (check: () => Promise<void>) => vi.waitFor(check, { ...IO_WAIT, interval: 50 });
  const revisionOf = (sha: string) => `main@sha1:${sha}`;

  beforeAll(async () => {
    server = await startGitServer({ token: TOKEN });
    cacheDir = await mkdtemp(join(tmpdir(), 'pennant-sync-'));
    await server.createRepo('apps');
    await kube.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'git', namespace: NS }, data: { token: Buffer.from(TOKEN).toString('base64') } });
    await start();
  });
  afterAll(async () => {
    await controller?.stop();
    await server.stop();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('applies every manifest as the GitSource\'s ServiceAccount and reports revision, inventory and Ready', async () => {
    const sha = await push({ 'apps/podinfo.yaml': PODINFO_YAML, 'apps/canary.yaml': CANARY_YAML, 'apps/cm.yaml': configMap('settings') }, 'podinfo');
    await kube.create({
      apiVersion: 'pennant.dev/v1beta1', kind: 'GitSource', metadata: { name: 'apps', namespace: NS },
      spec: { url: `${server.url}/apps.git`, secretRef: { name: 'git' }, serviceAccountName: 'deployer', paths: ['apps'], interval: '10m' },
    });
    await waitFor(async () => expect(await ready()).toMatchObject({ status: 'True', reason: 'Succeeded' }));
    expect(await status()).toMatchObject({
      observedGeneration: 1, lastFetchedRevision: revisionOf(sha), lastAttemptedRevision: revisionOf(sha), lastAppliedRevision: revisionOf(sha),
      inventory: [
        { apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'podinfo' },
        { apiVersion: 'pennant.dev/v1beta1', kind: 'Canary', namespace: NS, name: 'podinfo' },
        { apiVersion: 'v1', kind: 'ConfigMap', namespace: NS, name: 'settings' },
        { apiVersion: 'v1', kind: 'Service', namespace: NS, name: 'podinfo' },
      ],
    });
    expect(await exists('Deployment', 'podinfo', NS, 'apps/v1')).toBe(true);
    expect(calls.every((c) => c.startsWith('system:serviceaccount:tenant:deployer '))).toBe(true);
    expect(identities.every((i) => i.kind === 'serviceAccount' && i.name === 'deployer')).toBe(true);
    const events = await kube.list({ apiVersion: 'v1', kind: 'Event' }, { namespace: NS });
    expect(events.map((e) => (e as { reason?: string }).reason)).toContain('Synced');
    const counted = (await registry.getSingleMetric('pennant_gitsource_sync_total')?.get())?.values ?? [];
    expect(counted.find((v) => v.labels.result === 'Succeeded')?.value).toBeGreaterThanOrEqual(1);
  });

  it('a push (syncNow) syncs at once; the Canary\'s target keeps the replicas Pennant gave it', async () => {
    await kube.patch({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'podinfo' }, { spec: { replicas: 0 } });
    const sha = await push({ 'apps/podinfo.yaml': PODINFO_YAML.replace('podinfo:6.0.1', 'podinfo:6.0.2') }, 'bump');
    expect(controller.syncNow(NS, 'apps')).toBe(true);
    await waitFor(async () => expect((await status()).lastAppliedRevision).toBe(revisionOf(sha)));
    const deployment = await kube.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'podinfo' });
    expect(deployment?.spec).toMatchObject({ replicas: 0, template: { spec: { containers: [{ image: 'ghcr.io/stefanprodan/podinfo:6.0.2' }, { name: 'proxy' }] } } });
    expect((await ready())?.message).toContain('left to Pennant: tenant/podinfo spec.replicas');
  });

  it('an invalid document anywhere: nothing from that commit is applied, the condition names file, line and field', async () => {
    const sha = await push({ 'apps/new.yaml': configMap('new-one'), 'apps/canary.yaml': CANARY_YAML.replace('threshold: 2', 'threshold: -1') }, 'broken');
    controller.syncNow(NS, 'apps');
    await waitFor(async () => expect(await ready()).toMatchObject({ status: 'False', reason: 'ValidationFailed' }));
    expect((await ready())?.message).toMatch(/apps\/canary\.yaml:10: spec\.analysis\.threshold: .*nothing was applied/);
    expect(await status()).toMatchObject({ lastAttemptedRevision: revisionOf(sha) });
    expect((await status()).lastAppliedRevision).not.toBe(revisionOf(sha));
    expect(await exists('ConfigMap', 'new-one')).toBe(false);
  });

  it('prunes what left Git (as the ServiceAccount), never what it did not apply', async () => {
    await kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'not-from-git', namespace: NS } });
    const sha = await push({ 'apps/new.yaml': null, 'apps/canary.yaml': CANARY_YAML, 'apps/cm.yaml': null }, 'drop settings');
    controller.syncNow(NS, 'apps');
    await waitFor(async () => expect((await status()).lastAppliedRevision).toBe(revisionOf(sha)));
    expect(await exists('ConfigMap', 'settings')).toBe(false);
    expect(await exists('ConfigMap', 'not-from-git')).toBe(true);
    expect(calls).toContain('system:serviceaccount:tenant:deployer delete ConfigMap tenant/settings');
    expect((await status()).inventory?.map((r) => r.name)).toEqual(['podinfo', 'podinfo', 'podinfo']);
  });

  it('a manifest for another namespace fails the sync with the API server\'s Forbidden; nothing is applied there', async () => {
    const sha = await push({ 'apps/steal.yaml': configMap('stolen', 'other-team') }, 'reach out');
    controller.syncNow(NS, 'apps');
    await waitFor(async () => expect(await ready()).toMatchObject({ status: 'False', reason: 'Forbidden' }));
    expect((await ready())?.message).toContain(`${revisionOf(sha)}: configmaps "stolen" is forbidden: User "system:serviceaccount:tenant:deployer"`);
    expect(await exists('ConfigMap', 'stolen', 'other-team')).toBe(false);
    await push({ 'apps/steal.yaml': null }, 'undo');
    controller.syncNow(NS, 'apps');
    await waitFor(async () => expect(await ready()).toMatchObject({ status: 'True' }));
  });

  it('records a write-back in the status with the sync it triggers', async () => {
    controller.recordWriteBack(NS, 'apps', { commit: 'abc', canary: 'tenant/podinfo', outcome: 'rolledBack', time: '2026-11-25T10:00:00.000Z' });
    await waitFor(async () => expect((await status()).lastWriteBack).toEqual({ commit: 'abc', canary: 'tenant/podinfo', outcome: 'rolledBack', time: '2026-11-25T10:00:00.000Z' }));
  });

  it('refuses a GitSource without serviceAccountName, unless --gitops-allow-controller-identity', async () => {
    await kube.create({ apiVersion: 'pennant.dev/v1beta1', kind: 'GitSource', metadata: { name: 'nosa', namespace: NS }, spec: { url: `${server.url}/apps.git`, secretRef: { name: 'git' }, paths: ['apps/canary.yaml'] } });
    await waitFor(async () => expect(await ready('nosa')).toMatchObject({ status: 'False', reason: 'ValidationFailed', message: expect.stringMatching(/^spec\.serviceAccountName is required/) }));
    await controller.stop();
    allowController = true;
    identities.length = 0;
    await start();
    await waitFor(async () => expect(await ready('nosa')).toMatchObject({ status: 'True', reason: 'Succeeded' }));
    expect(identities).toContainEqual({ kind: 'controller' });
  });

  it('reports a fetch failure (wrong credentials) without the token', async () => {
    await kube.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bad', namespace: NS }, stringData: { token: 'not-the-token' } });
    await kube.create({ apiVersion: 'pennant.dev/v1beta1', kind: 'GitSource', metadata: { name: 'badauth', namespace: NS }, spec: { url: `${server.url}/apps.git`, secretRef: { name: 'bad' }, serviceAccountName: 'deployer' } });
    await waitFor(async () => expect(await ready('badauth')).toMatchObject({ status: 'False', reason: 'FetchFailed', message: expect.stringMatching(/^fetching branch main failed: /) }));
    expect(JSON.stringify(await status('badauth'))).not.toContain('not-the-token');
  });

  it('does nothing while suspended', async () => {
    const before = await status();
    await kube.patch({ ...GIT_SOURCE, namespace: NS, name: 'apps' }, { spec: { suspend: true } });
    const sha = await push({ 'apps/late.yaml': configMap('late') }, 'while suspended');
    controller.syncNow(NS, 'apps');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await exists('ConfigMap', 'late')).toBe(false);
    expect((await status()).lastFetchedRevision).toBe(before.lastFetchedRevision);
    expect((await status()).lastFetchedRevision).not.toBe(revisionOf(sha));
  });
});
