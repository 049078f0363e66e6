import { describe, expect, it } from 'vitest';
import type { ObjectReference } from '../../../src/api/index.js';
import type { Manifest } from '../../../src/gitops/manifests.js';
import { type ClusterFacts, nextInventory, planApply, pruneSet } from '../../../src/gitops/plan.js';
import type { KubeObject } from '../../../src/kube/types.js';

const object = (apiVersion: string, kind: string, name: string, namespace: string | undefined, spec?: Record<string, unknown>): KubeObject =>
  ({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, ...(spec ? { spec } : {}) });
const manifest = (o: KubeObject): Manifest => ({ file: 'f.yaml', index: 0, line: 1, object: o });

const deployment = (name: string) => object('apps/v1', 'Deployment', name, 't', { replicas: 3, template: {} });
const canary = (target: string) => object('pennant.dev/v1beta1', 'Canary', target, 't', { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target } });
const facts = (targets: string[], existing: string[]): ClusterFacts => ({
  canaryTargets: (ns) => (ns === 't' ? targets : []),
  deploymentExists: (ns, name) => ns === 't' && existing.includes(name),
});
const replicasOf = (objects: KubeObject[], name: string) => (objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name)?.spec as { replicas?: number }).replicas;

describe('planApply', () => {
  it.each<[string, KubeObject[], ClusterFacts, number | undefined]>([
    ['a Canary in the cluster targets it and it exists: Pennant owns its replicas', [deployment('app')], facts(['app'], ['app']), undefined],
    ['a Canary in the same commit targets it and it exists', [deployment('app'), canary('app')], facts([], ['app']), undefined],
    ['it does not exist yet: Git\'s replicas size it (and the primary)', [deployment('app'), canary('app')], facts([], []), 3],
    ['no Canary targets it', [deployment('app')], facts(['other'], ['app']), 3],
  ])('spec.replicas when %s', (_name, objects, cluster, expected) => {
    const plan = planApply(objects.map(manifest), cluster);
    expect(replicasOf(plan.objects, 'app')).toBe(expected);
    expect(plan.replicasDropped).toEqual(expected === undefined ? ['t/app'] : []);
  });

  it('applies Namespaces and CRDs first, the rest in Git\'s order', () => {
    const objects = [deployment('a'), object('v1', 'Namespace', 't', undefined), object('v1', 'Service', 's', 't'), object('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'x.y', undefined)];
    expect(planApply(objects.map(manifest), facts([], [])).objects.map((o) => o.kind)).toEqual(['Namespace', 'CustomResourceDefinition', 'Deployment', 'Service']);
  });
});

describe('pruning', () => {
  const ref = (kind: string, name: string, namespace?: string, apiVersion = 'v1'): ObjectReference => ({ apiVersion, kind, name, ...(namespace ? { namespace } : {}) });

  it.each<[string, ObjectReference[], ObjectReference[], ObjectReference[]]>([
    ['what left Git', [ref('ConfigMap', 'a', 't'), ref('ConfigMap', 'b', 't')], [ref('ConfigMap', 'a', 't')], [ref('ConfigMap', 'b', 't')]],
    ['nothing outside the inventory (and nothing still declared)', [ref('ConfigMap', 'a', 't')], [ref('ConfigMap', 'a', 't'), ref('ConfigMap', 'new', 't')], []],
    ['not an object that moved to another version', [ref('HorizontalPodAutoscaler', 'h', 't', 'autoscaling/v1')], [ref('HorizontalPodAutoscaler', 'h', 't', 'autoscaling/v2')], []],
    ['the same name in another namespace is another object', [ref('ConfigMap', 'a', 't')], [ref('ConfigMap', 'a', 'u')], [ref('ConfigMap', 'a', 't')]],
    ['Namespaces last', [ref('Namespace', 'n'), ref('ConfigMap', 'a', 'n')], [], [ref('ConfigMap', 'a', 'n'), ref('Namespace', 'n')]],
  ])('deletes %s', (_name, previous, current, expected) => {
    expect(pruneSet(previous, current)).toEqual(expected);
  });

  it('keeps the previous inventory\'s objects when an apply stopped half-way, so a later prune still finds them', () => {
    const previous = [ref('ConfigMap', 'old', 't'), ref('ConfigMap', 'a', 't')];
    expect(nextInventory(previous, [ref('ConfigMap', 'a', 't')], false)).toEqual([ref('ConfigMap', 'a', 't'), ref('ConfigMap', 'old', 't')]);
    expect(nextInventory(previous, [ref('ConfigMap', 'a', 't')], true)).toEqual([ref('ConfigMap', 'a', 't')]);
  });
});
