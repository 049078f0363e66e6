import type { RealKube } from '../../src/kube/real.js';
import type { KubeObject } from '../../src/kube/types.js';

/**
 * A tenant namespace whose ServiceAccount `deployer` may manage Deployments, Canaries and ConfigMaps
 * there, and nothing else; `tokens` become Secrets of that namespace (name → `token`).
 */
export async function applyTenant(kube: RealKube, ns: string, tokens: Record<string, string>): Promise<void> {
  const objects: KubeObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'deployer', namespace: ns } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'gitops-deployer', namespace: ns },
      rules: [
        { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'update', 'delete'] },
        { apiGroups: ['pennant.dev'], resources: ['canaries'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'update', 'delete'] },
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'update', 'delete'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'gitops-deployer', namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'gitops-deployer' },
      subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: ns }],
    },
    ...Object.entries(tokens).map(([name, token]): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, stringData: { token } })),
  ];
  for (const object of objects) await kube.apply(object, { force: true });
}
