import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/kube/types.js';
import { horizontalPodAutoscaler, type HorizontalPodAutoscaler } from '../../../src/workloads/k8s-types.js';
import {
  buildPrimary, buildPrimaryAutoscaler, CONFIGS_ANNOTATION, type PrimaryInputs, REVISION_ANNOTATION, SelectorError, selectorLabel,
} from '../../../src/workloads/primary.js';
import { WorkloadError } from '../../../src/workloads/types.js';
import { container, type DeploymentOptions, makeCanary, makeDeployment, NS, ownerOf } from './fixtures.js';

interface PrimaryShape {
  metadata: { name: string; namespace: string; labels: Record<string, string>; ownerReferences: unknown[] };
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; spec: Record<string, unknown> };
    [field: string]: unknown;
  };
}

const primaryOf = (inputs: Partial<PrimaryInputs> & { deployment?: DeploymentOptions } = {}): PrimaryShape => {
  const { deployment, ...rest } = inputs;
  const built: KubeObject = buildPrimary({
    canary: makeCanary(),
    target: makeDeployment(deployment),
    revision: 'rev-1',
    tracked: new Set(),
    configsChecksum: 'sum-1',
    ...rest,
  });
  return built as unknown as PrimaryShape;
};

describe('selectorLabel: the first of app, name, app.kubernetes.io/name in matchLabels', () => {
  it.each<[string, Record<string, string>, { key: string; value: string }]>([
    ['app', { app: 'podinfo' }, { key: 'app', value: 'podinfo' }],
    ['name', { name: 'podinfo' }, { key: 'name', value: 'podinfo' }],
    ['app.kubernetes.io/name', { 'app.kubernetes.io/name': 'podinfo' }, { key: 'app.kubernetes.io/name', value: 'podinfo' }],
    ['app wins over name', { name: 'n', app: 'a' }, { key: 'app', value: 'a' }],
    ['name wins over app.kubernetes.io/name', { 'app.kubernetes.io/name': 'k', name: 'n' }, { key: 'name', value: 'n' }],
    ['other labels are ignored', { tier: 'web', 'app.kubernetes.io/name': 'k' }, { key: 'app.kubernetes.io/name', value: 'k' }],
  ])('%s', (_, matchLabels, expected) => {
    expect(selectorLabel(makeDeployment({ matchLabels }))).toEqual(expected);
  });

  it('a selector without any of them is a SelectorError that says what to add', () => {
    const target = makeDeployment({ matchLabels: { tier: 'web', 'app.kubernetes.io/instance': 'podinfo' } });
    let caught: unknown;
    try {
      selectorLabel(target);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SelectorError);
    expect(caught).toBeInstanceOf(WorkloadError);
    const message = (caught as Error).message;
    expect(message).toContain(`Deployment ${NS}/podinfo`);
    expect(message).toContain('spec.selector.matchLabels');
    expect(message).toContain('app, name, app.kubernetes.io/name');
    expect(message).toContain('app: podinfo');
  });

  it('buildPrimary refuses such a target with the same error', () => {
    expect(() => primaryOf({ deployment: { matchLabels: { tier: 'web' } } })).toThrow(SelectorError);
  });
});

describe('buildPrimary', () => {
  it('is named <target>-primary in the target namespace and owned by the Canary', () => {
    const canary = makeCanary({ uid: 'uid-42' });
    const primary = primaryOf({ canary });
    expect(primary.metadata.name).toBe('podinfo-primary');
    expect(primary.metadata.namespace).toBe(NS);
    expect(primary.metadata.ownerReferences).toEqual([ownerOf(canary)]);
  });

  it.each<[string, Record<string, string>, string]>([
    ['app', { app: 'podinfo', tier: 'web' }, 'app'],
    ['name', { name: 'podinfo', tier: 'web' }, 'name'],
    ['app.kubernetes.io/name', { 'app.kubernetes.io/name': 'podinfo', tier: 'web' }, 'app.kubernetes.io/name'],
  ])('rewrites the %s selector label to <value>-primary (selector, pod labels, metadata), other pod labels kept', (_, matchLabels, key) => {
    const primary = primaryOf({ deployment: { matchLabels, labels: { ...matchLabels, team: 'a' }, podLabels: { ...matchLabels, version: 'v1' } } });
    const expected = { ...matchLabels, [key]: 'podinfo-primary' };
    expect(primary.spec.selector.matchLabels).toEqual(expected);
    expect(primary.spec.template.metadata.labels).toEqual({ ...expected, version: 'v1' });
    expect(primary.metadata.labels).toEqual({ [key]: 'podinfo-primary' });
  });

  it('annotates the pod template with the revision and the configs checksum, keeping the target annotations', () => {
    const primary = primaryOf({ revision: 'abc123', configsChecksum: 'cfg456', deployment: { podAnnotations: { 'prometheus.io/scrape': 'true' } } });
    expect(primary.spec.template.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true',
      [REVISION_ANNOTATION]: 'abc123',
      [CONFIGS_ANNOTATION]: 'cfg456',
    });
  });

  it('points tracked config references at the -primary copies and leaves the others', () => {
    const podSpec = {
      containers: [container({ envFrom: [{ configMapRef: { name: 'tracked' } }, { configMapRef: { name: 'untracked' } }] })],
      volumes: [{ name: 's', secret: { secretName: 'creds' } }],
    };
    const primary = primaryOf({ deployment: { podSpec }, tracked: new Set(['configmap/tracked', 'secret/creds']) });
    const spec = primary.spec.template.spec as typeof podSpec;
    expect(spec.containers[0]?.envFrom).toEqual([{ configMapRef: { name: 'tracked-primary' } }, { configMapRef: { name: 'untracked' } }]);
    expect(spec.volumes).toEqual([{ name: 's', secret: { secretName: 'creds-primary' } }]);
  });

  it('rewrites pod anti-affinity and topology spread selectors that name the target pods', () => {
    const term = (value: string) => ({ labelSelector: { matchLabels: { app: value } }, topologyKey: 'kubernetes.io/hostname' });
    const podSpec = {
      containers: [container()],
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [term('podinfo'), term('other')],
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term('podinfo') }],
        },
      },
      topologySpreadConstraints: [
        { maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'podinfo', tier: 'web' } } },
      ],
    };
    const spec = primaryOf({ deployment: { podSpec } }).spec.template.spec as typeof podSpec;
    const anti = spec.affinity.podAntiAffinity;
    expect(anti.requiredDuringSchedulingIgnoredDuringExecution).toEqual([term('podinfo-primary'), term('other')]);
    expect(anti.preferredDuringSchedulingIgnoredDuringExecution[0]?.podAffinityTerm).toEqual(term('podinfo-primary'));
    expect(spec.topologySpreadConstraints[0]?.labelSelector.matchLabels).toEqual({ app: 'podinfo-primary', tier: 'web' });
  });

  it('leaves a pod spec without label selectors as it is', () => {
    const podSpec = { containers: [container()], nodeSelector: { app: 'podinfo' } };
    expect(primaryOf({ deployment: { podSpec } }).spec.template.spec).toEqual(podSpec);
  });

  it.each<[string, { autoscaler: boolean; target?: number; current?: number }, number]>([
    ['no autoscaler: the target replicas', { autoscaler: false, target: 3, current: 5 }, 3],
    ['no autoscaler, target at 0 (scaled down): the current primary replicas', { autoscaler: false, target: 0, current: 5 }, 5],
    ['no autoscaler, target at 0, no primary yet: 1', { autoscaler: false, target: 0 }, 1],
    ['no autoscaler, target replicas unset: 1', { autoscaler: false }, 1],
    ['autoscaler: the current primary replicas (the HPA owns them)', { autoscaler: true, target: 3, current: 7 }, 7],
    ['autoscaler, no primary yet: the target replicas', { autoscaler: true, target: 3 }, 3],
    ['autoscaler, no primary yet, target at 0: 1 (an HPA never scales up from 0)', { autoscaler: true, target: 0 }, 1],
    ['autoscaler, no primary yet, target replicas unset: 1', { autoscaler: true }, 1],
  ])('replicas, %s', (_, { autoscaler, target, current }, expected) => {
    const canary = makeCanary({ spec: autoscaler ? { autoscalerRef: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'podinfo' } } : {} });
    const primary = primaryOf({ canary, deployment: target !== undefined ? { replicas: target } : {}, ...(current !== undefined ? { currentReplicas: current } : {}) });
    expect(primary.spec.replicas).toBe(expected);
  });

  it('copies progressDeadlineSeconds, minReadySeconds, revisionHistoryLimit and strategy', () => {
    const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } };
    const primary = primaryOf({ deployment: { spec: { progressDeadlineSeconds: 120, minReadySeconds: 5, revisionHistoryLimit: 3, strategy } } });
    expect(primary.spec).toMatchObject({ progressDeadlineSeconds: 120, minReadySeconds: 5, revisionHistoryLimit: 3, strategy });
  });

  it('does not copy what the target does not set, nor paused', () => {
    const primary = primaryOf({ deployment: { spec: { paused: true } } });
    expect(Object.keys(primary.spec).sort()).toEqual(['replicas', 'selector', 'template']);
  });

  it('does not modify the target it is built from', () => {
    const target = makeDeployment({ podSpec: { containers: [container({ envFrom: [{ configMapRef: { name: 'c' } }] })] } });
    const snapshot = structuredClone(target);
    buildPrimary({ canary: makeCanary(), target, revision: 'r', tracked: new Set(['configmap/c']), configsChecksum: 's' });
    expect(target).toEqual(snapshot);
  });
});

describe('buildPrimary: the target\'s own labels and annotations (--include-label-prefix)', () => {
  // Flagger's e2e (test/workloads/deployment.yaml, test/kubernetes/test-deployment.sh): the primary
  // of this Deployment carries test-label-prefix and test-annotation-prefix under -include-label-prefix=app.kubernetes.io.
  const e2eTarget: DeploymentOptions = {
    labels: { 'app.kubernetes.io/name': 'podinfo', 'app.kubernetes.io/managed-by': 'test-label-prefix', team: 'web' },
    matchLabels: { app: 'podinfo' },
  };
  const metaOf = (includeLabelPrefix: string[] | undefined, annotations: Record<string, string> = {}) => {
    const target = makeDeployment(e2eTarget);
    target.metadata.annotations = { 'app.kubernetes.io/instance': 'test-annotation-prefix', note: 'x', ...annotations };
    const inputs = { canary: makeCanary(), target, revision: 'r', tracked: new Set<string>(), configsChecksum: 's' };
    const built = buildPrimary(includeLabelPrefix ? { ...inputs, includeLabelPrefix } : inputs);
    return built.metadata as { labels: Record<string, string>; annotations: Record<string, string> };
  };

  it('copies the labels and annotations with a prefix, as Flagger\'s e2e checks', () => {
    const meta = metaOf(['app.kubernetes.io']);
    expect(meta.labels).toEqual({ 'app.kubernetes.io/name': 'podinfo', 'app.kubernetes.io/managed-by': 'test-label-prefix', app: 'podinfo-primary' });
    expect(meta.annotations).toEqual({ 'app.kubernetes.io/instance': 'test-annotation-prefix' });
  });

  it.each<[string, string[] | undefined, string[], string[]]>([
    ['without prefixes (the default) only the selector label', undefined, ['app'], []],
    ['an empty prefix selects nothing', [''], ['app'], []],
    ['* selects everything', ['*'], ['app', 'app.kubernetes.io/managed-by', 'app.kubernetes.io/name', 'team'], ['app.kubernetes.io/instance', 'note']],
    ['several prefixes', ['team', 'no'], ['app', 'team'], ['note']],
  ])('%s', (_, prefixes, labels, annotations) => {
    const meta = metaOf(prefixes);
    expect(Object.keys(meta.labels).sort()).toEqual(labels);
    expect(Object.keys(meta.annotations).sort()).toEqual(annotations);
  });

  it('never copies Flux\'s and kubectl\'s bookkeeping nor the Deployment controller\'s revision, even with *', () => {
    const meta = metaOf(['*'], {
      'kustomize.toolkit.fluxcd.io/reconcile': 'disabled',
      'kubectl.kubernetes.io/last-applied-configuration': '{}',
      'deployment.kubernetes.io/revision': '3',
    });
    expect(Object.keys(meta.annotations).sort()).toEqual(['app.kubernetes.io/instance', 'note']);
  });

  it('keeps the pod template\'s labels and annotations whatever the prefixes', () => {
    const primary = primaryOf({ deployment: { podLabels: { app: 'podinfo', version: 'v1' }, podAnnotations: { 'prometheus.io/scrape': 'true' } } });
    expect(primary.spec.template.metadata.labels).toEqual({ app: 'podinfo-primary', version: 'v1' });
    expect(primary.spec.template.metadata.annotations['prometheus.io/scrape']).toBe('true');
  });
});

describe('buildPrimaryAutoscaler', () => {
  const hpa = (spec: Partial<HorizontalPodAutoscaler['spec']> = {}): HorizontalPodAutoscaler =>
    horizontalPodAutoscaler.parse({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'podinfo-hpa', namespace: NS, labels: { team: 'a' } },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' }, minReplicas: 2, maxReplicas: 4, ...spec },
    });
  const canaryWith = (primaryScalerReplicas?: { minReplicas?: number; maxReplicas?: number }) =>
    makeCanary({ spec: { autoscalerRef: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'podinfo-hpa', ...(primaryScalerReplicas ? { primaryScalerReplicas } : {}) } } });
  const specOf = (obj: KubeObject) => obj.spec as Record<string, unknown>;

  it('is <hpa>-primary, owned by the Canary, scaling <target>-primary', () => {
    const canary = canaryWith();
    const built = buildPrimaryAutoscaler(canary, hpa());
    expect(built.metadata).toMatchObject({ name: 'podinfo-hpa-primary', namespace: NS, labels: { team: 'a' }, ownerReferences: [ownerOf(canary)] });
    expect(specOf(built).scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo-primary' });
  });

  it.each<[string, { minReplicas?: number; maxReplicas?: number } | undefined, Partial<HorizontalPodAutoscaler['spec']>, { min: number | undefined; max: number }]>([
    ['copied from the target HPA', undefined, {}, { min: 2, max: 4 }],
    ['min overridden', { minReplicas: 3 }, {}, { min: 3, max: 4 }],
    ['max overridden', { maxReplicas: 10 }, {}, { min: 2, max: 10 }],
    ['both overridden', { minReplicas: 5, maxReplicas: 9 }, {}, { min: 5, max: 9 }],
    ['no min anywhere: none set (the API defaults it to 1)', undefined, { minReplicas: undefined }, { min: undefined, max: 4 }],
  ])('replicas %s', (_, overrides, targetSpec, { min, max }) => {
    const spec = specOf(buildPrimaryAutoscaler(canaryWith(overrides), hpa(targetSpec)));
    expect(spec.minReplicas).toBe(min);
    expect('minReplicas' in spec).toBe(min !== undefined);
    expect(spec.maxReplicas).toBe(max);
  });

  it('copies metrics and behavior', () => {
    const metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
    const behavior = { scaleDown: { stabilizationWindowSeconds: 300 } };
    const spec = specOf(buildPrimaryAutoscaler(canaryWith(), hpa({ metrics, behavior })));
    expect(spec.metrics).toEqual(metrics);
    expect(spec.behavior).toEqual(behavior);
  });

  it('sets neither metrics nor behavior when the target HPA has none', () => {
    const spec = specOf(buildPrimaryAutoscaler(canaryWith(), hpa()));
    expect(Object.keys(spec).sort()).toEqual(['maxReplicas', 'minReplicas', 'scaleTargetRef']);
  });
});
