import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signBody } from '../../src/gitops/index.js';
import type { KubeObject } from '../../src/kube/types.js';
import { type GitServer, type SlackStandIn, startGitServer, startSlackStandIn } from '../harness/index.js';
import { type Captured, secretLeaks } from '../harness/secret-scan.js';
import { waitForPhase } from '../scenarios/helpers.js';
import { RealStack } from './real-stack.js';

const GIT_TOKEN = 'git-t0ken-of-tenant-a';
const B_GIT_TOKEN = 'git-t0ken-of-tenant-b';
const HOOK_TOKEN = 'push-hook-s3cret-a';
const A_PATH = '/services/TA000/BA000/A-SLACK-SECRET-PATH';
const B_PATH = '/services/TB000/BB000/B-SLACK-SECRET-PATH';
const SSH_KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACBmYWtlLWtleS1mb3ItcGVubmFudC10ZXN0cy1vbmx5LW5vdA\n-----END OPENSSH PRIVATE KEY-----\n';
const GIT_SOURCE = { apiVersion: 'pennant.dev/v1beta1', kind: 'GitSource' };
const CONFIG_MAP = { apiVersion: 'v1', kind: 'ConfigMap' };
const PHASE_TIMEOUT = 150_000;

interface Condition { type: string; status: string; reason: string; message: string }

/**
 * Two tenants on one real control plane, the controller run with --deny-cross-namespace-refs: tenant
 * A's GitSource, Canary and alerts cannot reach into B's namespace; its push receiver refuses forged,
 * replayed and oversize requests; and no secret value of either tenant appears in anything captured.
 */
describe('tenancy and secrets on the real control plane', () => {
  const stack = new RealStack(inject('kubeconfig'));
  const a = `it-tenant-a-${process.pid}`;
  const b = `it-tenant-b-${process.pid}`;
  let git: GitServer;
  let slack: SlackStandIn;
  let stopped = false;

  const status = async (name = 'apps') => ((await stack.kube.get({ ...GIT_SOURCE, namespace: a, name }))?.status ?? {}) as { lastFetchedRevision?: string; inventory?: unknown[]; conditions?: Condition[] };
  const ready = async (name = 'apps') => (await status(name)).conditions?.find((c) => c.type === 'Ready');
  const pushed = async (files: Record<string, string | null>, message: string) => git.commitFiles('apps', files, message, { author: { name: 'Dev', email: 'dev@example.com' } });
  const post = async (body: string | Buffer, signature: string) =>
    fetch(`${stack.hooksUrl}/hooks/gitsources/${a}/apps`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': signature } });
  const notify = async (sha: string) => {
    const body = JSON.stringify({ ref: 'refs/heads/main', after: sha });
    return post(body, signBody(body, HOOK_TOKEN));
  };
  const fromPath = (path: string) => slack.messages.filter((m) => m.path === path);

  beforeAll(async () => {
    git = await startGitServer({ token: GIT_TOKEN });
    slack = await startSlackStandIn();
    await stack.start({ denyCrossNamespaceRefs: true }, { alerts: 'real', gitops: true });
    for (const object of [...tenantA(a, slack.url), ...tenantB(b, slack.url)]) await stack.kube.apply(object, { force: true });
    await stack.simulator.addApps([{ namespace: a, service: 'podinfo', target: 'podinfo', provider: 'gatewayapi:v1' }]);
    await git.createRepo('apps');
    await pushed({ 'apps/podinfo.yaml': podinfo, 'apps/canary.yaml': canaryOf(b) }, 'podinfo under a Canary');
    const source = (name: string, spec: Record<string, unknown>): KubeObject => ({ ...GIT_SOURCE, metadata: { name, namespace: a }, spec: { paths: ['apps'], interval: '10m', serviceAccountName: 'deployer', ...spec } });
    await stack.kube.create(source('apps', { url: `${git.url}/apps.git`, secretRef: { name: 'git' }, webhook: { secretRef: { name: 'push-hook' } } }));
    // B's Git token, named from A's GitSource: a secretRef names a Secret of the GitSource's own namespace only
    await stack.kube.create(source('peek', { url: `${git.url}/apps.git`, secretRef: { name: 'b-git' } }));
    await stack.kube.create(source('over-ssh', { url: 'ssh://git@127.0.0.1:1/apps.git', secretRef: { name: 'ssh-key' } }));
  }, 200_000);
  afterAll(async () => {
    if (!stopped) await stack.stop();
    for (const name of ['apps', 'peek', 'over-ssh']) await stack.kube.delete({ ...GIT_SOURCE, namespace: a, name }).catch(() => undefined);
    await git?.stop();
    await slack?.stop();
  });

  it('A\'s Canary alerts A\'s Slack; its alert through B\'s AlertProvider is refused and B\'s webhook never called', async () => {
    await waitForPhase(stack.kube, a, 'Initialized', PHASE_TIMEOUT);
    await slack.waitFor((m) => m.path === A_PATH, 60_000);
    await expect.poll(async () => (await events(a)).map((e) => e.message).join('\n'), { timeout: 60_000 }).toContain('cross-namespace references are disabled');
    expect(fromPath(B_PATH)).toEqual([]);
  }, 200_000);

  it('A\'s GitSource names B\'s Secret in vain: it is looked up in A and not found', async () => {
    await expect.poll(async () => (await ready('peek'))?.message ?? '', { timeout: 60_000 }).toContain(`${a}/b-git`);
    expect((await ready('peek'))?.status).toBe('False');
    await expect.poll(async () => (await ready('over-ssh'))?.status ?? '', { timeout: 90_000 }).toBe('False');
  }, 200_000);

  it('A\'s GitSource cannot change B\'s ConfigMap (Forbidden), nor prune it even when its inventory claims it', async () => {
    const reach = await pushed({ 'apps/reach.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: shared, namespace: ${b} }\ndata: { owner: a }\n` }, 'reach into B');
    expect((await notify(reach)).status).toBe(202);
    await expect.poll(async () => (await ready())?.message ?? '', { timeout: 60_000 }).toContain(`main@sha1:${reach}: `);
    expect(await ready()).toMatchObject({ status: 'False', reason: 'Forbidden' });
    expect((await stack.kube.get({ ...CONFIG_MAP, namespace: b, name: 'shared' }))?.data).toEqual({ owner: 'b' });

    // an inventory that claims B's object (as if written by a bug or by hand): pruning still runs as A's ServiceAccount
    const current = await stack.kube.get({ ...GIT_SOURCE, namespace: a, name: 'apps' });
    const inventory = [...((current?.status as { inventory?: unknown[] } | undefined)?.inventory ?? []), { ...CONFIG_MAP, namespace: b, name: 'shared' }];
    await stack.kube.patchStatus({ ...GIT_SOURCE, namespace: a, name: 'apps' }, { ...(current?.status ?? {}), inventory }, current?.metadata.resourceVersion ?? '');
    const back = await pushed({ 'apps/reach.yaml': null }, 'leave B alone');
    expect((await notify(back)).status).toBe(202);
    await expect.poll(async () => (await ready())?.message ?? '', { timeout: 60_000 }).toContain(`main@sha1:${back}: prune: `);
    expect((await ready())?.reason).toBe('Forbidden');
    expect((await stack.kube.get({ ...CONFIG_MAP, namespace: b, name: 'shared' }))?.data).toEqual({ owner: 'b' });
  }, 200_000);

  it('the push receiver refuses forged (401), replayed (409) and oversize (413) requests, and none of them syncs', async () => {
    const unannounced = await pushed({ 'apps/note.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: note }\n' }, 'unannounced');
    const body = JSON.stringify({ ref: 'refs/heads/main', after: unannounced });
    expect((await post(body, signBody(body, B_GIT_TOKEN))).status).toBe(401);
    expect((await post(body, signBody(body, HOOK_TOKEN))).status).toBe(202);
    await expect.poll(async () => (await status()).lastFetchedRevision, { timeout: 60_000 }).toBe(`main@sha1:${unannounced}`);
    const next = await pushed({ 'apps/note.yaml': null }, 'second unannounced');
    expect((await post(body, signBody(body, HOOK_TOKEN))).status).toBe(409);
    const huge = Buffer.alloc(5 * 1024 * 1024, 'a');
    expect((await post(huge, signBody(huge, HOOK_TOKEN))).status).toBe(413);
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await status()).lastFetchedRevision).not.toBe(`main@sha1:${next}`);
  }, 200_000);

  it('no webhook URL, Git token, push token or SSH key in the logs, Events, statuses, Slack messages or /metrics', async () => {
    const captured: Captured[] = [
      { where: '/metrics', text: await stack.metrics.registry.metrics() },
      { where: `Events of ${a}`, text: JSON.stringify(await events(a)) },
      { where: `Events of ${b}`, text: JSON.stringify(await events(b)) },
      { where: 'Canary status', text: JSON.stringify((await stack.kube.get({ apiVersion: 'pennant.dev/v1beta1', kind: 'Canary', namespace: a, name: 'podinfo' }))?.status) },
      { where: 'GitSource statuses', text: JSON.stringify(await Promise.all(['apps', 'peek', 'over-ssh'].map(async (name) => status(name)))) },
      { where: 'Slack messages', text: JSON.stringify(slack.messages.map((m) => m.body)) },
    ];
    await stack.stop();
    stopped = true;
    await expect.poll(() => readFileSync(stack.logFile, 'utf8'), { timeout: 30_000 }).toContain('controller stopped');
    captured.push({ where: 'controller log', text: readFileSync(stack.logFile, 'utf8') });
    expect(captured.find((c) => c.where === 'controller log')?.text).toContain('push refused');
    const secrets = [
      { name: 'A\'s Slack webhook', value: `${slack.url}${A_PATH}` }, { name: 'B\'s Slack webhook', value: `${slack.url}${B_PATH}` },
      { name: 'A\'s Git token', value: GIT_TOKEN }, { name: 'B\'s Git token', value: B_GIT_TOKEN },
      { name: 'push token', value: HOOK_TOKEN }, { name: 'SSH key', value: SSH_KEY },
    ];
    expect(secretLeaks(captured, secrets)).toEqual([]);
  }, 200_000);

  async function events(namespace: string): Promise<{ reason?: string; message?: string }[]> {
    return (await stack.kube.list({ apiVersion: 'v1', kind: 'Event' }, { namespace })) as { reason?: string; message?: string }[];
  }
});

const podinfo = `apiVersion: apps/v1
kind: Deployment
metadata: { name: podinfo, labels: { app: podinfo } }
spec:
  replicas: 1
  selector: { matchLabels: { app: podinfo } }
  template:
    metadata: { labels: { app: podinfo } }
    spec:
      containers:
      - { name: podinfod, image: 'podinfo:6.0.0', ports: [{ name: http, containerPort: 9898 }] }
`;

const canaryOf = (other: string) => `apiVersion: pennant.dev/v1beta1
kind: Canary
metadata: { name: podinfo }
spec:
  provider: gatewayapi:v1
  targetRef: { apiVersion: apps/v1, kind: Deployment, name: podinfo }
  service: { port: 9898, targetPort: http, gatewayRefs: [{ name: public, namespace: gateways }] }
  analysis:
    interval: 5s
    threshold: 2
    stepWeight: 25
    maxWeight: 50
    alerts:
      - { name: on-call, severity: info, providerRef: { name: on-call } }
      - { name: borrowed, severity: info, providerRef: { name: on-call, namespace: ${other} } }
`;

const secret = (namespace: string, name: string, stringData: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, stringData });
const alertProvider = (namespace: string, secretName: string): KubeObject => ({ apiVersion: 'pennant.dev/v1beta1', kind: 'AlertProvider', metadata: { name: 'on-call', namespace }, spec: { type: 'slack', channel: 'deploys', secretRef: { name: secretName } } });

/** Tenant A: a ServiceAccount that may manage Deployments, Canaries and ConfigMaps in A only, and A's Secrets. */
function tenantA(ns: string, slackUrl: string): KubeObject[] {
  const verbs = ['get', 'list', 'watch', 'create', 'patch', 'update', 'delete'];
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'deployer', namespace: ns } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'deployer', namespace: ns }, rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs }, { apiGroups: ['pennant.dev'], resources: ['canaries'], verbs }, { apiGroups: [''], resources: ['configmaps'], verbs }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'deployer', namespace: ns }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deployer' }, subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: ns }] },
    secret(ns, 'git', { token: GIT_TOKEN }),
    secret(ns, 'push-hook', { token: HOOK_TOKEN }),
    secret(ns, 'ssh-key', { identity: SSH_KEY, known_hosts: '127.0.0.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeHostKeyForPennantTestsOnly00000000' }),
    secret(ns, 'a-webhook', { address: `${slackUrl}${A_PATH}` }),
    alertProvider(ns, 'a-webhook'),
  ];
}

/** Tenant B: its own webhook, Git token, AlertProvider and a ConfigMap A must not touch. */
function tenantB(ns: string, slackUrl: string): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    secret(ns, 'b-webhook', { address: `${slackUrl}${B_PATH}` }),
    secret(ns, 'b-git', { token: B_GIT_TOKEN }),
    alertProvider(ns, 'b-webhook'),
    { ...CONFIG_MAP, metadata: { name: 'shared', namespace: ns }, data: { owner: 'b' } },
  ];
}
