import { describe, expect, it } from 'vitest';
import type { ObjectReference } from '../../../src/api/index.js';
import type { Manifest } from '../../../src/gitops/manifests.js';
import { type ClusterFacts, nextInventory, planApply, pruneSet } from '../../../src/gitops/plan.js';
import type { KubeObject } from '../../../src/kube/types.js';

const object = (apiVersion: string, kind: string, name: string, namespace: string | undefined, spec?: Record<string, unknown>): KubeObject =>
  ({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, ...(spec ? { spec } : {}) });
const manifest = (o: KubeObject): Manifest => ({ file: 'f.yaml', index: 0, line: 1, object: o });

const deployment = (name: string) => object('apps/v1', 'Deployment', name, 't', { replicas: 3, paused: false, template: {} });
const service = (name: string) => object('v1', 'Service', name, 't', { type: 'ClusterIP', selector: { app: name }, ports: [{ port: 80 }] });
const canary = (target: string, serviceName?: string) =>
  object('pennant.dev/v1beta1', 'Canary', target, 't', { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target }, ...(serviceName ? { service: { name: serviceName, port: 80 } } : {}) });
const facts = (targets: string[], existing: string[], services: string[] = targets): ClusterFacts => ({
  canaries: (ns) => (ns === 't' ? targets.map((target, i) => ({ target, service: services[i] ?? target })) : []),
  exists: (_kind, ns, name) => ns === 't' && existing.includes(name),
});
const specOf = (objects: KubeObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name)?.spec as Record<string, unknown>;

describe('planApply', () => {
  it.each<[string, KubeObject[], ClusterFacts, boolean]>([
    ['a Canary in the cluster targets it and it exists: Pennant owns its replicas and pause', [deployment('app')], facts(['app'], ['app']), true],
    ['a Canary in the same commit targets it and it exists', [deployment('app'), canary('app')], facts([], ['app']), true],
    ['it does not exist yet: Git\'s replicas size it (and the primary)', [deployment('app'), canary('app')], facts([], []), false],
    ['no Canary targets it', [deployment('app')], facts(['other'], ['app']), false],
  ])('a Deployment when %s', (_name, objects, cluster, owned) => {
    const plan = planApply(objects.map(manifest), cluster);
    const spec = specOf(plan.objects, 'Deployment', 'app');
    expect(spec.replicas).toBe(owned ? undefined : 3);
    expect(spec.paused).toBe(owned ? undefined : false);
    expect(spec.template).toEqual({});
    expect(plan.ownedFieldsDropped).toEqual(owned ? ['t/app spec.replicas', 't/app spec.paused'] : []);
  });

  it.each<[string, KubeObject[], ClusterFacts, boolean]>([
    ['it is the apex of a Canary in the cluster and exists: Pennant owns its selector and ports', [service('app')], facts(['app'], ['app']), true],
    ['it is the apex (service.name) of a Canary in the commit', [service('web'), canary('app', 'web')], facts([], ['web']), true],
    ['it does not exist yet', [service('app'), canary('app')], facts([], []), false],
    ['it is another Service of the namespace', [service('app-db')], facts(['app'], ['app-db']), false],
  ])('a Service when %s', (_name, objects, cluster, owned) => {
    const plan = planApply(objects.map(manifest), cluster);
    const svc = objects.find((o) => o.kind === 'Service')?.metadata.name ?? '';
    const spec = specOf(plan.objects, 'Service', svc);
    expect(spec.type).toBe('ClusterIP');
    expect(spec.selector).toEqual(owned ? undefined : { app: svc });
    expect(spec.ports).toEqual(owned ? undefined : [{ port: 80 }]);
  });

  const daemonSet = (name: string, nodeSelector: Record<string, string>) =>
    object('apps/v1', 'DaemonSet', name, 't', { template: { spec: { nodeSelector, containers: [] } } });
  const dsCanary = (target: string) => object('pennant.dev/v1beta1', 'Canary', target, 't', { targetRef: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: target } });
  const selectorOf = (objects: KubeObject[], name: string) => (specOf(objects, 'DaemonSet', name).template as { spec: { nodeSelector?: unknown } }).spec.nodeSelector;

  it.each<[string, KubeObject[], ClusterFacts, boolean]>([
    ['a Canary in the cluster targets it', [daemonSet('agent', { os: 'linux', 'flagger.app/scale-to-zero': 'true' })],
      { canaries: (ns) => (ns === 't' ? [{ daemonSet: 'agent', service: 'agent' }] : []), exists: () => false }, true],
    ['a Canary in the same commit targets it', [daemonSet('agent', { os: 'linux', 'flagger.app/scale-to-zero': 'true' }), dsCanary('agent')], facts([], []), true],
    ['no Canary targets it', [daemonSet('agent', { os: 'linux', 'flagger.app/scale-to-zero': 'true' })], facts(['agent'], ['agent']), false],
  ])('a DaemonSet when %s: Git never sets the scale-to-zero nodeSelector of a target', (_name, objects, cluster, owned) => {
    const plan = planApply(objects.map(manifest), cluster);
    expect(selectorOf(plan.objects, 'agent')).toEqual(owned ? { os: 'linux' } : { os: 'linux', 'flagger.app/scale-to-zero': 'true' });
    expect(plan.ownedFieldsDropped).toEqual(owned ? ['t/agent spec.template.spec.nodeSelector["flagger.app/scale-to-zero"]'] : []);
  });

  it('a DaemonSet target without the key in Git is applied as Git says', () => {
    const plan = planApply([daemonSet('agent', { os: 'linux' }), dsCanary('agent')].map(manifest), facts([], []));
    expect(selectorOf(plan.objects, 'agent')).toEqual({ os: 'linux' });
    expect(plan.ownedFieldsDropped).toEqual([]);
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
