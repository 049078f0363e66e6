import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signBody } from '../../src/gitops/index.js';
import { type GitServer, startGitServer } from '../harness/index.js';
import { canaryStatus, deploymentOf, waitForPhase } from '../scenarios/helpers.js';
import { REPO, yamlObjects } from './cluster.js';
import { RealStack } from './real-stack.js';
import { applyTenant } from './tenant.js';

const TOKEN = 'git-t0ken-for-tenant';
const HOOK_TOKEN = 'push-hook-s3cret';
const PHASE_TIMEOUT = 120_000;
const GIT_SOURCE = { apiVersion: 'pennant.dev/v1beta1', kind: 'GitSource' };

/** podinfo as a team keeps it in Git: comments, quotes, and the traffic simulator's behaviour annotations. */
const podinfo = (image: string, errorRate: string) => `# podinfo: the team's API. Pennant analyses every change of the pod template.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: podinfo
  labels: { app: podinfo }
spec:
  replicas: 2  # sizes the primary; Pennant owns the target's replicas
  selector:
    matchLabels:
      app: podinfo
  template:
    metadata:
      labels:
        app: podinfo
      annotations:
        sim.pennant.dev/error-rate: "${errorRate}"   # how the simulator makes this version behave
        sim.pennant.dev/latency-ms: '40'
    spec:
      containers:
      - name: podinfod
        image: '${image}'   # bump me
        ports:
        - { name: http, containerPort: 9898 }
`;

const canary = `apiVersion: pennant.dev/v1beta1
kind: Canary
metadata: { name: podinfo }
spec:
  provider: gatewayapi:v1
  targetRef: { apiVersion: apps/v1, kind: Deployment, name: podinfo }
  progressDeadlineSeconds: 60
  service:
    port: 9898
    targetPort: http
    gatewayRefs: [{ name: public, namespace: gateways }]
  analysis:
    interval: 5s
    threshold: 2
    stepWeight: 25
    maxWeight: 50
    metrics:
      # Short windows: the healthy release follows the faulty one within a minute on the same pods' names.
      - { name: request-success-rate, thresholdRange: { min: 99 }, interval: 10s }
      - { name: request-duration, thresholdRange: { max: 500 }, interval: 10s }
  writeBack:
    revert: PodTemplate   # the faulty release changed an annotation too
`;

/**
 * GitOps end to end on the real control plane: a tenant's GitSource applied as its ServiceAccount,
 * pushes announced by a signed webhook, rollouts analysed against real Prometheus, and the outcome
 * committed back to a real Git repository.
 */
describe('GitSource on the real control plane', () => {
  const stack = new RealStack(inject('kubeconfig'));
  const ns = `it-gitops-${process.pid}`;
  const other = `it-gitops-other-${process.pid}`;
  let git: GitServer;

  const source = async () => stack.kube.get({ ...GIT_SOURCE, namespace: ns, name: 'apps' });
  const sourceStatus = async () => ((await source())?.status ?? {}) as { lastFetchedRevision?: string; lastAppliedRevision?: string; lastWriteBack?: { commit: string }; conditions?: { type: string; status: string; reason: string; message: string }[] };
  const ready = async () => (await sourceStatus()).conditions?.find((c) => c.type === 'Ready');
  const pushed = async (files: Record<string, string | null>, message: string) => git.commitFiles('apps', files, message, { author: { name: 'Dev', email: 'dev@example.com' } });
  // each push has its own body (a host sends the new commit in `after`): the receiver refuses a replayed one
  let pushes = 0;
  const notify = async (body = JSON.stringify({ ref: 'refs/heads/main', after: `push-${pushes++}` }), signature = signBody(body, HOOK_TOKEN)) =>
    fetch(`${stack.hooksUrl}/hooks/gitsources/${ns}/apps`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': signature } });
  const reasons = async () => (await stack.kube.list({ apiVersion: 'v1', kind: 'Event' }, { namespace: ns })).map((e) => (e as { reason?: string }).reason);

  beforeAll(async () => {
    git = await startGitServer({ token: TOKEN });
    // Only this namespace: other files' controllers must not meet ours on their Canaries.
    await stack.start({ namespace: ns }, { gitops: true });
    await applyTenant(stack.kube, ns, { git: TOKEN, 'push-hook': HOOK_TOKEN });
    await stack.kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: other } });
    await stack.simulator.addApps([{ namespace: ns, service: 'podinfo', target: 'podinfo', provider: 'gatewayapi:v1' }]);
    await git.createRepo('apps');
    await pushed({ 'apps/podinfo.yaml': podinfo('podinfo:6.0.0', '0'), 'apps/canary.yaml': canary, 'README.md': 'apps of the tenant\n' }, 'podinfo 6.0.0 under a Canary');
    await stack.kube.create({
      ...GIT_SOURCE, metadata: { name: 'apps', namespace: ns },
      spec: { url: `${git.url}/apps.git`, paths: ['apps'], interval: '10m', secretRef: { name: 'git' }, serviceAccountName: 'deployer', webhook: { secretRef: { name: 'push-hook' } } },
    });
  }, 120_000);
  afterAll(async () => {
    await stack.stop();
    // Its repository goes with the git server: later controllers on this cluster need not keep fetching it.
    await stack.kube.delete({ ...GIT_SOURCE, namespace: ns, name: 'apps' }).catch(() => undefined);
    await git?.stop();
  });

  it('(a) syncs the repository as the tenant\'s ServiceAccount: the Canary initialises its Deployment', async () => {
    await waitForPhase(stack.kube, ns, 'Initialized', PHASE_TIMEOUT);
    const head = (await git.log('apps'))[0]?.sha;
    expect(await sourceStatus()).toMatchObject({ lastAppliedRevision: `main@sha1:${head}` });
    expect(await ready()).toMatchObject({ status: 'True', reason: 'Succeeded' });
    const deployment = await stack.kube.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'podinfo' });
    const managers = (deployment?.metadata.managedFields as { manager: string }[] | undefined)?.map((m) => m.manager);
    expect(managers).toContain('pennant-gitops');
  }, 150_000);

  it('(e) a push notification with a bad signature is refused with 401 and syncs nothing', async () => {
    const sha = await pushed({ 'apps/note.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: note }\n' }, 'unannounced');
    expect((await notify(undefined, signBody('{"ref":"refs/heads/main"}', 'guessed'))).status).toBe(401);
    expect((await notify(undefined, '')).status).toBe(401);
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await sourceStatus()).lastFetchedRevision).not.toBe(`main@sha1:${sha}`);
    expect(await stack.kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'note' })).toBeNull();
    await pushed({ 'apps/note.yaml': null }, 'never mind');
  });

  it('(b) a faulty release is rolled back, Git is reverted to the promoted version, and the next sync keeps it Failed without a new analysis', async () => {
    const before = await pushed({ 'apps/podinfo.yaml': podinfo('podinfo:6.0.1', '0.3') }, 'podinfo 6.0.1');
    expect((await notify()).status).toBe(202);
    const failed = await waitForPhase(stack.kube, ns, 'Failed', PHASE_TIMEOUT);
    expect(failed.failedChecks).toBe(2);

    // Pennant's commit on top of the user's: the promoted template back, comments and quoting intact.
    await expect.poll(async () => (await git.log('apps'))[0]?.author.name, { timeout: 60_000 }).toBe('Pennant');
    const [revert, user] = await git.log('apps');
    expect(user?.sha).toBe(before);
    expect(revert?.subject).toBe(`Revert ${ns}/podinfo to podinfo:6.0.0`);
    expect(revert?.message).toMatch(/Failing checks:\n- request-success-rate: \d/);
    expect(await git.readFile('apps', 'apps/podinfo.yaml')).toBe(podinfo('podinfo:6.0.0', '0'));
    expect(await git.readFile('apps', 'README.md')).toBe('apps of the tenant\n');

    // The sync the write-back triggered applies it: the target is back at the promoted revision.
    await expect.poll(async () => (await sourceStatus()).lastWriteBack?.commit, { timeout: 60_000 }).toBe(revert?.sha);
    await expect.poll(async () => (await deploymentOf(stack.kube, ns, 'podinfo')).image, { timeout: 60_000 }).toBe('podinfo:6.0.0');
    await expect.poll(reasons, { timeout: 60_000 }).toContain('RevisionUnchanged');
    await new Promise((r) => setTimeout(r, 6_000));
    expect(await canaryStatus(stack.kube, ns)).toMatchObject({ phase: 'Failed', failedChecks: 2 });
    expect(await deploymentOf(stack.kube, ns, 'podinfo')).toMatchObject({ image: 'podinfo:6.0.0', replicas: 0 });
    expect(await deploymentOf(stack.kube, ns, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.0' });
    const newRevision = (await stack.kube.list({ apiVersion: 'v1', kind: 'Event' }, { namespace: ns })).filter((e) => (e as { reason?: string }).reason === 'NewRevision');
    expect(newRevision.map((e) => (e as { count?: number }).count ?? 1)).toEqual([1]);
  }, 180_000);

  it('(c) a healthy release is promoted and Git records it on the Canary\'s manifest', async () => {
    await pushed({ 'apps/podinfo.yaml': podinfo('podinfo:6.0.2', '0') }, 'podinfo 6.0.2');
    expect((await notify()).status).toBe(202);
    await waitForPhase(stack.kube, ns, 'Succeeded', PHASE_TIMEOUT);
    await expect.poll(async () => (await git.log('apps'))[0]?.subject, { timeout: 60_000 }).toBe(`Record promotion of ${ns}/podinfo: podinfo:6.0.2`);
    const recorded = await git.readFile('apps', 'apps/canary.yaml');
    expect(recorded).toMatch(/^metadata: \{ name: podinfo, annotations: \{ pennant\.dev\/promoted: podinfo:6\.0\.2 at \d{4}-\d\d-\d\dT[\d:.]+Z \} \}$/m);
    expect(recorded?.replace(/^metadata: .*$/m, 'metadata: { name: podinfo }')).toBe(canary);
    expect(await git.readFile('apps', 'apps/podinfo.yaml')).toBe(podinfo('podinfo:6.0.2', '0'));
    await expect.poll(async () => (await stack.kube.get({ apiVersion: 'pennant.dev/v1beta1', kind: 'Canary', namespace: ns, name: 'podinfo' }))?.metadata.annotations?.['pennant.dev/promoted'], { timeout: 60_000 })
      .toMatch(/^podinfo:6\.0\.2 at /);
  }, 180_000);

  it('(g) Git declines pushes (pre-receive hook) at a promotion: the outcome waits in status.pendingWriteBack and is written once pushes are allowed', async () => {
    await pushed({ 'apps/podinfo.yaml': podinfo('podinfo:6.0.3', '0') }, 'podinfo 6.0.3');
    await git.declinePushes('apps', 'main is frozen for the release');
    try {
      expect((await notify()).status).toBe(202);
      await expect.poll(async () => (await canaryStatus(stack.kube, ns)).pendingWriteBack, { timeout: PHASE_TIMEOUT })
        .toMatchObject({ outcome: 'promoted', attempts: expect.any(Number), lastError: expect.stringContaining('main is frozen for the release') });
      expect(await deploymentOf(stack.kube, ns, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.3' });
      await expect.poll(reasons, { timeout: 60_000 }).toContain('WriteBackFailed');
      expect((await git.log('apps'))[0]?.subject).toBe('podinfo 6.0.3');
    } finally {
      await git.declinePushes('apps', null);
    }
    const subject = `Record promotion of ${ns}/podinfo: podinfo:6.0.3`;
    await expect.poll(async () => (await git.log('apps'))[0]?.subject, { timeout: 90_000 }).toBe(subject);
    await expect.poll(async () => (await canaryStatus(stack.kube, ns)).pendingWriteBack, { timeout: 60_000 }).toBeUndefined();
    const log = await git.log('apps');
    expect((await canaryStatus(stack.kube, ns)).lastWriteBack).toMatchObject({ outcome: 'promoted', commit: log[0]?.sha });
    expect(log.filter((c) => c.subject === subject)).toHaveLength(1);
    expect(log[1]?.subject).toBe('podinfo 6.0.3');
  }, 240_000);

  it('(d) a manifest for another team\'s namespace fails the sync with Forbidden; nothing is applied there', async () => {
    const sha = await pushed({ 'apps/reach.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: reach, namespace: ${other} }\n` }, 'reach into another namespace');
    expect((await notify()).status).toBe(202);
    await expect.poll(ready, { timeout: 60_000 }).toMatchObject({ status: 'False', reason: 'Forbidden' });
    expect((await ready())?.message).toContain(`main@sha1:${sha}: `);
    expect((await ready())?.message).toMatch(/forbidden: User "system:serviceaccount:.*:deployer" cannot (patch|create) resource "configmaps"/);
    expect(await stack.kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: other, name: 'reach' })).toBeNull();
    expect(await reasons()).toContain('Forbidden');
  }, 180_000);

  it('(f) deploy/\'s ClusterRole lets the controller do what GitOps needs as itself, and impersonate the tenant', async () => {
    for (const file of ['namespace.yaml', 'serviceaccount.yaml', 'clusterrole.yaml', 'clusterrolebinding.yaml']) {
      for (const obj of yamlObjects(readFileSync(join(REPO, 'deploy', file), 'utf8'))) {
        await stack.kube.apply({ ...obj, metadata: { ...obj.metadata, ...(obj.kind === 'ServiceAccount' ? { namespace: 'pennant-system' } : {}) } }, { force: true });
      }
    }
    const allowed = async (resourceAttributes: Record<string, string>) => {
      const review = await stack.kube.create({
        apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', metadata: {},
        spec: { user: 'system:serviceaccount:pennant-system:pennant', groups: ['system:serviceaccounts', 'system:serviceaccounts:pennant-system', 'system:authenticated'], resourceAttributes },
      });
      return (review.status as { allowed?: boolean }).allowed ?? false;
    };
    expect(await allowed({ namespace: ns, verb: 'impersonate', resource: 'serviceaccounts', name: 'deployer' })).toBe(true);
    expect(await allowed({ namespace: ns, verb: 'watch', group: 'pennant.dev', resource: 'gitsources' })).toBe(true);
    expect(await allowed({ namespace: ns, verb: 'patch', group: 'pennant.dev', resource: 'gitsources', subresource: 'status' })).toBe(true);
    expect(await allowed({ namespace: ns, verb: 'delete', resource: 'configmaps' })).toBe(false);
  }, 120_000);
});
