import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { WATCHED } from '../../../src/controller/controller.js';
import {
  CONTROLLER_PERMISSIONS, DISCOVERED_API_VERSIONS, discoveryPath, isResourcePermission, LEADER_ELECTION_PERMISSIONS,
} from '../../../src/controller/permissions.js';
import { routerFor, SUPPORTED_PROVIDERS } from '../../../src/routers/index.js';
import { loadObjects, type Manifest, only } from './manifests.js';
import { grantsOfPermissions, grantsOfRules, type PolicyRule, resourceOf } from './rbac.js';

/** The ClusterRole as it would be written from permissions.ts, for the failure message. */
const expectedRules = (): string => stringify(CONTROLLER_PERMISSIONS.map((p) => (isResourcePermission(p)
  ? { apiGroups: [p.apiGroup], resources: [p.resource], verbs: p.verbs }
  : { nonResourceURLs: p.nonResourceURLs, verbs: p.verbs })));

const clusterRole = () => only('ClusterRole');
const rulesOf = (role: Manifest): PolicyRule[] => (role.rules ?? []) as PolicyRule[];

/** What the routers read through informers (the controller starts them when a Canary of that provider is reconciled). */
const routerTypes = SUPPORTED_PROVIDERS.flatMap((p) => routerFor(p, { kube: undefined as never, cache: { get: () => undefined } }).watches);

describe('src/controller/permissions.ts', () => {
  it('gives every permission a reason and at least one verb, and repeats no resource', () => {
    const seen = new Set<string>();
    for (const p of CONTROLLER_PERMISSIONS) {
      expect(p.why.trim().length, JSON.stringify(p)).toBeGreaterThan(10);
      expect(p.verbs.length).toBeGreaterThan(0);
      const key = isResourcePermission(p) ? `${p.apiGroup}/${p.resource}` : 'nonResourceURLs';
      expect(seen.has(key), `${key} listed twice`).toBe(false);
      seen.add(key);
    }
  });

  it('has no wildcards', () => {
    expect(JSON.stringify(CONTROLLER_PERMISSIONS.map(({ why: _why, ...rest }) => rest))).not.toContain('*');
  });

  it('lets every informer list and watch its type', () => {
    const grants = grantsOfPermissions(CONTROLLER_PERMISSIONS);
    const informed = [...WATCHED, ...routerTypes];
    for (const type of informed) {
      const { group, resource } = resourceOf(type.apiVersion, type.kind);
      expect(grants, `${type.kind}`).toContain(`${group}/${resource}:list`);
      expect(grants, `${type.kind}`).toContain(`${group}/${resource}:watch`);
    }
  });

  it('allows discovery of every API version the controller resolves, and only those', () => {
    const used = new Set([...WATCHED, ...routerTypes].map((t) => t.apiVersion).concat('v1' /* Events */));
    expect(new Set(DISCOVERED_API_VERSIONS)).toEqual(used);
    const grants = grantsOfPermissions(CONTROLLER_PERMISSIONS);
    for (const apiVersion of used) expect(grants).toContain(`${discoveryPath(apiVersion)}:get`);
    expect(discoveryPath('v1')).toBe('/api/v1');
    expect(discoveryPath('apps/v1')).toBe('/apis/apps/v1');
  });
});

describe('deploy/clusterrole.yaml', () => {
  it('grants exactly CONTROLLER_PERMISSIONS', () => {
    const granted = grantsOfRules(rulesOf(clusterRole()));
    const needed = grantsOfPermissions(CONTROLLER_PERMISSIONS);
    const missing = [...needed].filter((g) => !granted.has(g));
    const extra = [...granted].filter((g) => !needed.has(g));
    expect({ missing, extra }, `rules from permissions.ts:\n${expectedRules()}`).toEqual({ missing: [], extra: [] });
  });

  it('uses no wildcard, no resourceNames and no unknown rule field', () => {
    for (const rule of rulesOf(clusterRole())) {
      expect(Object.keys(rule).every((k) => ['apiGroups', 'resources', 'verbs', 'nonResourceURLs'].includes(k)), JSON.stringify(rule)).toBe(true);
      expect(JSON.stringify(rule)).not.toContain('*');
      // A rule mixing both kinds is rejected by the API server.
      expect(Boolean(rule.nonResourceURLs) && Boolean(rule.resources), JSON.stringify(rule)).toBe(false);
    }
  });

  it('is bound to the ServiceAccount the Deployment runs as', () => {
    const objects = loadObjects();
    const role = only('ClusterRole', objects);
    const binding = only('ClusterRoleBinding', objects);
    const account = only('ServiceAccount', objects);
    const deployment = only('Deployment', objects) as unknown as { spec: { template: { spec: { serviceAccountName?: string } } } };
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: account.metadata.name, namespace: account.metadata.namespace }]);
    expect(deployment.spec.template.spec.serviceAccountName).toBe(account.metadata.name);
  });
});

describe('deploy/role.yaml (leader election)', () => {
  it('grants exactly LEADER_ELECTION_PERMISSIONS, in the Deployment\'s namespace, to its ServiceAccount', () => {
    const objects = loadObjects();
    const role = only('Role', objects);
    const binding = only('RoleBinding', objects);
    const account = only('ServiceAccount', objects);
    expect(grantsOfRules(rulesOf(role))).toEqual(grantsOfPermissions(LEADER_ELECTION_PERMISSIONS));
    expect(role.metadata.namespace).toBe(account.metadata.namespace);
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: account.metadata.name, namespace: account.metadata.namespace }]);
  });

  it('is what --leader-elect needs, and the Deployment runs with it', () => {
    const deployment = only('Deployment') as unknown as { spec: { replicas: number; template: { spec: { containers: { args: string[]; env: { name: string }[] }[] } } } };
    const container = deployment.spec.template.spec.containers[0];
    expect(container?.args).toContain('--leader-elect');
    expect(container?.env.map((e) => e.name)).toContain('POD_NAME');
    expect(deployment.spec.replicas).toBeGreaterThan(1);
  });
});
