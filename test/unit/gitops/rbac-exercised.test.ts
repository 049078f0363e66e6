import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ClusterCache } from '../../../src/controller/cluster-cache.js';
import { CONTROLLER_PERMISSIONS, GITOPS_PERMISSIONS } from '../../../src/controller/permissions.js';
import { Scheduler } from '../../../src/controller/scheduler.js';
import { WorkQueue } from '../../../src/controller/work-queue.js';
import { GitSourceController } from '../../../src/gitops/controller.js';
import { GitClient } from '../../../src/gitops/git.js';
import { GitOpsMetrics } from '../../../src/gitops/metrics.js';
import { EventRecorder } from '../../../src/kube/event-recorder.js';
import { DEFAULT_STATUS_SUBRESOURCE_KINDS, MemoryKube } from '../../../src/kube/index.js';
import type { ApplyOptions, EventInput, Informer, KubeClient, KubeObject, ListOptions, ObjectRef, PatchType, ResourceType } from '../../../src/kube/types.js';
import { startGitServer, type GitServer } from '../../harness/index.js';
import { grantsOfPermissions, resourceOf } from '../deploy/rbac.js';
import { CANARY_YAML } from './fixtures.js';
import { IO_WAIT } from '../../harness/wait.js';

/** The controller identity's requests as RBAC sees them (see test/unit/deploy/rbac-exercised.test.ts). */
class RecordingKube implements KubeClient {
  readonly requests = new Set<string>();
  private readonly events = new EventRecorder({ create: (e) => this.create(e), patch: (ref, p) => this.patch(ref, p, 'merge') }, () => new Date());
  constructor(private readonly inner: KubeClient) {}
  note(type: ResourceType, verb: string, subresource?: string): void {
    const { group, resource } = resourceOf(type.apiVersion, type.kind);
    this.requests.add(`${group}/${resource}${subresource ? `/${subresource}` : ''}:${verb}`);
  }
  get(ref: ObjectRef) { this.note(ref, 'get'); return this.inner.get(ref); }
  list(type: ResourceType, options?: ListOptions) { this.note(type, 'list'); return this.inner.list(type, options); }
  apply(obj: KubeObject, options?: ApplyOptions) { this.note(obj, 'patch'); return this.inner.apply(obj, options); }
  create(obj: KubeObject) { this.note(obj, 'create'); return this.inner.create(obj); }
  update(obj: KubeObject) { this.note(obj, 'update'); return this.inner.update(obj); }
  patch(ref: ObjectRef, patch: unknown, type?: PatchType) { this.note(ref, 'patch'); return this.inner.patch(ref, patch, type); }
  patchStatus(ref: ObjectRef, status: unknown, rv: string) { this.note(ref, 'patch', 'status'); return this.inner.patchStatus(ref, status, rv); }
  delete(ref: ObjectRef) { this.note(ref, 'delete'); return this.inner.delete(ref); }
  recordEvent(event: EventInput) { return this.events.record(event); }
  informer(type: ResourceType, options?: ListOptions): Informer {
    this.note(type, 'list');
    this.note(type, 'watch');
    return this.inner.informer(type, options);
  }
}

describe('the GitSource controller\'s own requests', () => {
  const memory = new MemoryKube({ statusSubresourceKinds: [...DEFAULT_STATUS_SUBRESOURCE_KINDS, 'GitSource'] });
  const recording = new RecordingKube(memory);
  let server: GitServer;
  let cacheDir: string;
  let controller: GitSourceController;

  beforeAll(async () => {
    server = await startGitServer();
    cacheDir = await mkdtemp(join(tmpdir(), 'pennant-rbac-'));
    await server.createRepo('apps');
    await server.commitFiles('apps', { 'canary.yaml': CANARY_YAML }, 'canary');
    const queue = new WorkQueue();
    controller = new GitSourceController({
      kube: recording,
      sources: new ClusterCache(recording),
      cache: new ClusterCache(recording),
      // Impersonation is authorised as `impersonate` on the ServiceAccount; the SA's own requests are its RBAC, not ours.
      clientFor: (who) => {
        recording.requests.add('/serviceaccounts:impersonate');
        return who.kind === 'controller' ? recording : memory;
      },
      queue,
      scheduler: new Scheduler((key) => queue.add(key)),
      git: new GitClient(process.env, tmpdir()),
      config: { cacheDir, allowControllerIdentity: false, workers: 1 },
      logger: pino({ level: 'silent' }),
      metrics: new GitOpsMetrics(new Registry()),
    });
    await controller.start();
    await memory.create({ apiVersion: 'pennant.dev/v1beta1', kind: 'GitSource', metadata: { name: 'apps', namespace: 't' }, spec: { url: `${server.url}/apps.git`, serviceAccountName: 'deployer' } });
    await vi.waitFor(async () => expect((await memory.get({ apiVersion: 'pennant.dev/v1beta1', kind: 'GitSource', namespace: 't', name: 'apps' }))?.status).toMatchObject({ lastAppliedRevision: expect.any(String) }), { ...IO_WAIT, interval: 50 });
  });
  afterAll(async () => {
    await controller?.stop();
    await server.stop();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('made only requests CONTROLLER_PERMISSIONS grants, and used every GitOps permission', () => {
    const granted = grantsOfPermissions(CONTROLLER_PERMISSIONS);
    expect([...recording.requests].filter((r) => !granted.has(r)).sort()).toEqual([]);
    expect([...grantsOfPermissions(GITOPS_PERMISSIONS)].filter((g) => !recording.requests.has(g)).sort()).toEqual([]);
  });

  it('wrote nothing Git declares as itself: applies and deletes happen as the ServiceAccount', () => {
    expect([...recording.requests].filter((r) => r.startsWith('pennant.dev/canaries:') && r !== 'pennant.dev/canaries:list' && r !== 'pennant.dev/canaries:watch')).toEqual([]);
    expect([...recording.requests].filter((r) => r.endsWith(':delete'))).toEqual([]);
  });
});
