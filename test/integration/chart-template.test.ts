import { describe, expect, it } from 'vitest';
import { CONTROLLER_PERMISSIONS, LEADER_ELECTION_PERMISSIONS } from '../../src/controller/permissions.js';
import { grantsOfPermissions, grantsOfRules, type PolicyRule } from '../unit/deploy/rbac.js';
import { shippedNodeOptions } from '../bench/fleet/subjects.js';
import { CHART, helm, ofKind, renderChart } from './helm.js';

interface Container {
  image: string;
  args: string[];
  env: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  securityContext: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
}
interface Deployment {
  spec: { replicas: number; template: { spec: { serviceAccountName: string; securityContext: { runAsUser: number; runAsNonRoot: boolean }; containers: Container[] } } };
}

const container = (objects: ReturnType<typeof renderChart>): Container => {
  const [deployment] = ofKind<Deployment>(objects, 'Deployment');
  const [first] = deployment?.spec.template.spec.containers ?? [];
  if (!first) throw new Error('the chart renders no Deployment container');
  return first;
};

/** The chart through real Helm: lint, and what `helm template` renders for the values users set. */
describe('helm chart charts/pennant', () => {
  it('passes helm lint --strict', () => {
    const lint = helm(['lint', '--strict', CHART]);
    expect(lint.stderr + lint.stdout).toContain('0 chart(s) failed');
    expect(lint.status).toBe(0);
  });

  it('renders by default two leader-elected, non-root, read-only replicas of the package\'s image, with exactly the permission list', () => {
    const objects = renderChart('pennant', 'pennant-system');
    expect(objects.map((o) => o.kind).sort()).toEqual(['ClusterRole', 'ClusterRoleBinding', 'Deployment', 'PodDisruptionBudget', 'Role', 'RoleBinding', 'Service', 'ServiceAccount']);
    const [deployment] = ofKind<Deployment>(objects, 'Deployment');
    expect(deployment?.spec.replicas).toBe(2);
    expect(deployment?.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532 });
    const pennant = container(objects);
    expect(pennant.image).toBe('ghcr.io/pennant-dev/pennant:0.1.0');
    expect(pennant.args.slice(0, 1)).toEqual(['run']);
    expect(pennant.args).toContain('--leader-elect');
    expect(pennant.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    const [clusterRole] = ofKind<{ rules: PolicyRule[] }>(objects, 'ClusterRole');
    expect(grantsOfRules(clusterRole?.rules ?? [])).toEqual(grantsOfPermissions(CONTROLLER_PERMISSIONS));
    const [role] = ofKind<{ metadata: { namespace: string }; rules: PolicyRule[] }>(objects, 'Role');
    expect(role?.metadata.namespace).toBe('pennant-system');
    expect(grantsOfRules(role?.rules ?? [])).toEqual(grantsOfPermissions(LEADER_ELECTION_PERMISSIONS));
  });

  it('takes the image, replicas, extra args, the notifications Secret and a ServiceMonitor from values', () => {
    const objects = renderChart('edge', 'ops', {
      'image.repository': 'registry.example/pennant', 'image.tag': '1.2.3', replicaCount: '3', 'extraArgs[0]': '--workers=8',
      'notifications.existingSecret': 'pennant-alerts', 'notifications.slackChannel': 'deploys', 'serviceMonitor.enabled': 'true', 'podDisruptionBudget.enabled': 'false',
    });
    expect(ofKind<Deployment>(objects, 'Deployment')[0]?.spec.replicas).toBe(3);
    const pennant = container(objects);
    expect(pennant.image).toBe('registry.example/pennant:1.2.3');
    expect(pennant.args.at(-1)).toBe('--workers=8');
    expect(pennant.env).toContainEqual({ name: 'PENNANT_SLACK_URL', valueFrom: { secretKeyRef: { name: 'pennant-alerts', key: 'slack-url', optional: true } } });
    expect(pennant.env).toContainEqual({ name: 'PENNANT_MSTEAMS_URL', valueFrom: { secretKeyRef: { name: 'pennant-alerts', key: 'msteams-url', optional: true } } });
    expect(pennant.env).toContainEqual({ name: 'PENNANT_SLACK_CHANNEL', value: 'deploys' });
    const [monitor] = ofKind<{ metadata: { namespace: string }; spec: { endpoints: { port: string; honorLabels: boolean }[] } }>(objects, 'ServiceMonitor');
    expect(monitor?.metadata.namespace).toBe('ops');
    expect(monitor?.spec.endpoints).toEqual([expect.objectContaining({ port: 'http-metrics', honorLabels: true })]);
    expect(ofKind(objects, 'PodDisruptionBudget')).toEqual([]);
  });

  it('has no PodDisruptionBudget for a single replica, and no notification variables without a Secret', () => {
    const objects = renderChart('pennant', 'pennant-system', { replicaCount: '1' });
    expect(ofKind(objects, 'PodDisruptionBudget')).toEqual([]);
    expect(container(objects).env.map((e) => e.name)).toEqual(['POD_NAME', 'NODE_OPTIONS']);
  });

  it('gives node the same V8 heap limits as deploy/ by default, and the ones values set', () => {
    const nodeOptions = (objects: ReturnType<typeof renderChart>): string | undefined => container(objects).env.find((e) => e.name === 'NODE_OPTIONS')?.value;
    expect(nodeOptions(renderChart('pennant', 'pennant-system', {}))).toBe(shippedNodeOptions());
    expect(nodeOptions(renderChart('pennant', 'pennant-system', { maxOldSpaceSizeMi: '256', maxSemiSpaceSizeMi: '8' }))).toBe('--max-old-space-size=256 --max-semi-space-size=8');
  });

  it('refuses bad values, naming them', () => {
    expect(() => renderChart('pennant', 'pennant-system', { replicaCount: 'two' })).toThrow(/replicaCount.*want integer/);
    expect(() => renderChart('pennant', 'pennant-system', { logLevel: 'loud' })).toThrow(/logLevel/);
    expect(() => renderChart('pennant', 'pennant-system', { imag: 'x' })).toThrow(/additional properties 'imag' not allowed/);
    expect(() => renderChart('pennant', 'pennant-system', { 'leaderElection.enabled': 'false' })).toThrow(/replicaCount > 1 needs leaderElection.enabled/);
  });
});
