import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { isResourcePermission, type Permission } from '../../../src/controller/permissions.js';
import { repoRoot } from './manifests.js';

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
  nonResourceURLs?: string[];
  resourceNames?: string[];
}

/** One string per thing RBAC allows: `group/resource:verb` or `url:verb`; order and grouping do not matter. */
export function grantsOfRules(rules: PolicyRule[]): Set<string> {
  const grants = new Set<string>();
  for (const rule of rules) {
    for (const verb of rule.verbs ?? []) {
      for (const url of rule.nonResourceURLs ?? []) grants.add(`${url}:${verb}`);
      for (const group of rule.apiGroups ?? []) for (const resource of rule.resources ?? []) grants.add(`${group}/${resource}:${verb}`);
    }
  }
  return grants;
}

export function grantsOfPermissions(permissions: readonly Permission[]): Set<string> {
  return grantsOfRules(permissions.map((p) => (isResourcePermission(p)
    ? { apiGroups: [p.apiGroup], resources: [p.resource], verbs: [...p.verbs] }
    : { nonResourceURLs: [...p.nonResourceURLs], verbs: [...p.verbs] })));
}

/** Kind → plural of Pennant's own kinds, from the generated CRDs. */
function crdPlurals(): Map<string, string> {
  const plurals = new Map<string, string>();
  for (const file of readdirSync(path.join(repoRoot, 'crds')).filter((f) => f.endsWith('.pennant.dev.yaml'))) {
    const crd = parse(readFileSync(path.join(repoRoot, 'crds', file), 'utf8')) as { spec: { names: { kind: string; plural: string } } };
    plurals.set(crd.spec.names.kind, crd.spec.names.plural);
  }
  return plurals;
}

const BUILTIN_PLURALS: Record<string, string> = {
  Deployment: 'deployments', DaemonSet: 'daemonsets', ConfigMap: 'configmaps', Secret: 'secrets', Service: 'services',
  HorizontalPodAutoscaler: 'horizontalpodautoscalers', HTTPRoute: 'httproutes', Event: 'events',
  Ingress: 'ingresses', HTTPProxy: 'httpproxies', TraefikService: 'traefikservices', TrafficSplit: 'trafficsplits',
  VirtualService: 'virtualservices', DestinationRule: 'destinationrules',
};

/** The RBAC group and resource of a kind, as discovery would name them. */
export function resourceOf(apiVersion: string, kind: string): { group: string; resource: string } {
  const group = apiVersion.includes('/') ? (apiVersion.split('/')[0] ?? '') : '';
  const resource = (group === 'pennant.dev' ? crdPlurals().get(kind) : undefined) ?? BUILTIN_PLURALS[kind];
  if (!resource) throw new Error(`no plural known for ${apiVersion} ${kind}: add it to BUILTIN_PLURALS`);
  return { group, resource };
}

