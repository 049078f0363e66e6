import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CONTROLLER_PERMISSIONS, isResourcePermission, LEADER_ELECTION_PERMISSIONS } from '../../src/controller/permissions.js';
import { podinfoCanary, podinfoDeployment } from '../../src/demo/manifests.js';
import type { KubeObject } from '../../src/kube/types.js';
import { waitForPhase } from '../scenarios/helpers.js';
import { realKube, REPO } from './cluster.js';
import { startController, statusOf } from './controller-process.js';
import { ofKind, renderChart } from './helm.js';
import { serviceAccountKubeconfig } from './service-account.js';

const NS = 'pennant-chart';
const RELEASE = 'pennant-it';
const USER = `system:serviceaccount:${NS}:${RELEASE}`;

interface Access {
  verb: string;
  group?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  path?: string;
}

interface RenderedContainer {
  args: string[];
  env: { name: string; value?: string; valueFrom?: { fieldRef?: unknown; secretKeyRef?: { name: string; key: string } } }[];
}

/** The chart rendered by Helm, applied to the real API server, and the controller run as its ServiceAccount. */
describe('the Helm chart on the real API server', () => {
  const kubeconfig = inject('kubeconfig');
  const admin = realKube(kubeconfig);
  const work = mkdtempSync(join(tmpdir(), 'pennant-chart-'));
  const rendered = renderChart(RELEASE, NS, { 'notifications.existingSecret': 'pennant-alerts', 'extraArgs[0]': '--workers=2' }, ['--include-crds']);

  const allowed = async (access: Access): Promise<boolean> => {
    const attributes = access.path ? { nonResourceAttributes: { path: access.path, verb: access.verb } } : { resourceAttributes: access };
    const review = await admin.create({ apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', metadata: {}, spec: { user: USER, groups: ['system:serviceaccounts', `system:serviceaccounts:${NS}`, 'system:authenticated'], ...attributes } });
    return (review.status as { allowed?: boolean } | undefined)?.allowed === true;
  };

  beforeAll(async () => {
    // The namespace enforces the restricted Pod Security Standard: the chart's pods must meet it.
    await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
    await admin.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pennant-alerts', namespace: NS }, stringData: { 'slack-url': 'https://hooks.slack.example/services/T0/B0/x' } } as KubeObject);
    for (const obj of rendered) await admin.apply(obj, { force: true });
  });
  afterAll(async () => {
    for (const obj of rendered.filter((o) => ['ClusterRole', 'ClusterRoleBinding'].includes(o.kind))) await admin.delete({ apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name ?? '' }).catch(() => undefined);
    await admin.delete({ apiVersion: 'v1', kind: 'Namespace', name: NS }).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  });

  it('is accepted whole, and its Deployment\'s pods pass the restricted Pod Security admission (KWOK runs them)', async () => {
    expect(rendered.map((o) => o.kind)).toContain('CustomResourceDefinition');
    const available = async () => ((await admin.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: RELEASE }))?.status as { availableReplicas?: number } | undefined)?.availableReplicas;
    await expect.poll(available, { timeout: 120_000 }).toBe(2);
  });

  it('grants its ServiceAccount every permission the controller needs (SubjectAccessReview)', async () => {
    for (const p of CONTROLLER_PERMISSIONS) {
      for (const verb of p.verbs) {
        const access: Access = isResourcePermission(p)
          ? { verb, group: p.apiGroup, resource: p.resource.split('/')[0] ?? '', ...(p.resource.includes('/') ? { subresource: p.resource.split('/')[1] ?? '' } : {}) }
          : { verb, path: p.nonResourceURLs[0] ?? '' };
        expect(await allowed(access), JSON.stringify(access)).toBe(true);
      }
    }
    for (const verb of LEADER_ELECTION_PERMISSIONS.flatMap((p) => p.verbs)) expect(await allowed({ verb, group: 'coordination.k8s.io', resource: 'leases', namespace: NS }), verb).toBe(true);
  });

  it('grants nothing more: no delete, no update of workloads, no Pods, no Leases elsewhere', async () => {
    const denied: Access[] = [
      { verb: 'delete', group: 'apps', resource: 'deployments' },
      { verb: 'update', group: 'apps', resource: 'deployments' },
      { verb: 'list', resource: 'pods' },
      { verb: 'create', resource: 'pods', subresource: 'exec' },
      { verb: 'delete', group: 'pennant.dev', resource: 'canaries' },
      { verb: 'update', group: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-system' },
      { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings' },
    ];
    for (const access of denied) expect(await allowed(access), JSON.stringify(access)).toBe(false);
  });

  it('runs the controller with the rendered arguments and environment as the ServiceAccount: it leads and initialises a Canary', async () => {
    const [deployment] = ofKind<{ spec: { template: { spec: { containers: RenderedContainer[] } } } }>(rendered, 'Deployment');
    const pod = deployment?.spec.template.spec.containers[0];
    if (!pod) throw new Error('no container rendered');
    const identity = `${RELEASE}-0`;
    const env = await containerEnv(pod, identity);
    expect(Object.keys(env)).toContain('PENNANT_SLACK_URL');
    const asServiceAccount = serviceAccountKubeconfig(kubeconfig, NS, RELEASE, join(work, 'kubeconfig'));
    // Where the pod would read its namespace from the mounted token's directory, name it.
    const args = [...pod.args, '--kubeconfig', asServiceAccount, '--port', '0', '--leader-election-namespace', NS];
    const controller = await startController(process.execPath, [join(REPO, 'bin/pennant.js'), ...args], { env: { PATH: process.env.PATH ?? '', HOME: work, ...env } });
    const apps = `${NS}-apps`;
    try {
      await expect.poll(() => statusOf(controller.port, '/readyz'), { timeout: 120_000 }).toBe(200);
      const holder = async () => ((await admin.get({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: NS, name: 'pennant-leader' }))?.spec as { holderIdentity?: string } | undefined)?.holderIdentity;
      await expect.poll(holder, { timeout: 60_000 }).toBe(identity);
      await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: apps } });
      await admin.create(podinfoDeployment(apps, { image: 'podinfo:6.0.0' }));
      await admin.create(podinfoCanary({ namespace: apps, interval: '5s', provider: 'kubernetes' }));
      await waitForPhase(admin, apps, 'Initialized', 120_000);
      expect(controller.output()).not.toMatch(/Forbidden/);
    } catch (error) {
      throw new Error(`${String(error)}\n--- the controller's output:\n${controller.output().slice(-4000)}`);
    } finally {
      expect(await controller.stop()).toBe(0);
      await admin.delete({ apiVersion: 'v1', kind: 'Namespace', name: apps }).catch(() => undefined);
    }
  }, 300_000);

  /** The container's variables as the kubelet would set them: values, the pod's name, Secret keys. */
  async function containerEnv(container: RenderedContainer, podName: string): Promise<Record<string, string>> {
    const env: Record<string, string> = {};
    for (const variable of container.env) {
      const ref = variable.valueFrom?.secretKeyRef;
      if (variable.value !== undefined) env[variable.name] = variable.value;
      else if (variable.valueFrom?.fieldRef) env[variable.name] = podName;
      else if (ref) {
        const secret = await admin.get({ apiVersion: 'v1', kind: 'Secret', namespace: NS, name: ref.name });
        const data = (secret as { data?: Record<string, string> } | null)?.data?.[ref.key];
        if (data !== undefined) env[variable.name] = Buffer.from(data, 'base64').toString('utf8');
      }
    }
    return env;
  }
});
