import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { controllerConfig } from '../../../src/controller/config.js';
import { Controller } from '../../../src/controller/controller.js';
import { ControllerMetrics } from '../../../src/controller/metrics.js';
import { CONTROLLER_PERMISSIONS, GITOPS_PERMISSIONS } from '../../../src/controller/permissions.js';
import { canaryProblems } from '../../../src/controller/rules.js';
import { FakeDaemonSetController } from '../../../src/demo/fake-daemonset-controller.js';
import { FakeDeploymentController } from '../../../src/demo/fake-deployment-controller.js';
import { podinfoCanary, podinfoDaemonSet, podinfoDeployment } from '../../../src/demo/manifests.js';
import { MetricStandIn } from '../../../src/demo/metric-stand-in.js';
import { NoWriteBack } from '../../../src/gitops/index.js';
import { EventRecorder } from '../../../src/kube/event-recorder.js';
import { MemoryKube } from '../../../src/kube/memory.js';
import type {
  ApplyOptions, EventInput, Informer, KubeClient, KubeObject, ListOptions, ObjectRef, PatchType, ResourceType,
} from '../../../src/kube/types.js';
import { LogNotifier } from '../../../src/notify/index.js';
import { CANARY as CANARY_TYPE, webView } from '../../../src/ui/index.js';
import { setImage, waitForPhase } from '../../scenarios/helpers.js';
import { grantsOfPermissions, resourceOf } from './rbac.js';
import { IO_WAIT } from '../../harness/wait.js';

/**
 * Records, as RBAC would see them, the requests the controller makes: apply is PATCH, plus create
 * when the object does not exist yet (the API server authorises that apply as create).
 */
class RecordingKube implements KubeClient {
  readonly requests = new Set<string>();
  private readonly events = new EventRecorder({ create: (e) => this.create(e), patch: (ref, p) => this.patch(ref, p, 'merge') }, () => new Date());

  constructor(private readonly inner: KubeClient) {}

  private note(type: ResourceType, verb: string, subresource?: string): void {
    const { group, resource } = resourceOf(type.apiVersion, type.kind);
    this.requests.add(`${group}/${resource}${subresource ? `/${subresource}` : ''}:${verb}`);
  }

  get(ref: ObjectRef) { this.note(ref, 'get'); return this.inner.get(ref); }
  list(type: ResourceType, options?: ListOptions) { this.note(type, 'list'); return this.inner.list(type, options); }
  async apply(obj: KubeObject, options?: ApplyOptions) {
    const ref = { apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name ?? '' };
    if ((await this.inner.get(ref)) === null) this.note(obj, 'create');
    this.note(obj, 'patch');
    return this.inner.apply(obj, options);
  }
  create(obj: KubeObject) { this.note(obj, 'create'); return this.inner.create(obj); }
  update(obj: KubeObject) { this.note(obj, 'update'); return this.inner.update(obj); }
  patch(ref: ObjectRef, patch: unknown, type?: PatchType) { this.note(ref, 'patch'); return this.inner.patch(ref, patch, type); }
  patchStatus(ref: ObjectRef, status: unknown, rv: string) { this.note(ref, 'patch', 'status'); return this.inner.patchStatus(ref, status, rv); }
  delete(ref: ObjectRef) { this.note(ref, 'delete'); return this.inner.delete(ref); }
  recordEvent(event: EventInput) { return this.events.record(event); }
  informer(type: ResourceType, options?: ListOptions): Informer {
    this.note(type, 'list');
    this.note(type, 'watch');
    return this.inner.informer(type, options);
  }
}

const NS = 'rbac';
const CANARY = { apiVersion: 'pennant.dev/v1beta1', kind: 'Canary', namespace: NS, name: 'podinfo' };

/** podinfo using a tracked ConfigMap and Secret, scaled by an HPA: every kind Pennant writes. */
async function seed(kube: KubeClient): Promise<void> {
  await kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'podinfo-config', namespace: NS }, data: { color: 'blue' } });
  await kube.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'podinfo-secret', namespace: NS }, type: 'Opaque', data: { token: 'c2VjcmV0' } });
  const deployment = podinfoDeployment(NS, { image: 'podinfo:6.0.0' });
  const podSpec = (deployment.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec;
  podSpec.containers[0] = { ...podSpec.containers[0], envFrom: [{ configMapRef: { name: 'podinfo-config' } }, { secretRef: { name: 'podinfo-secret' } }] };
  await kube.create(deployment);
  await kube.create({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'podinfo', namespace: NS },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' }, minReplicas: 2, maxReplicas: 4 },
  });
  const canary = podinfoCanary({ namespace: NS, interval: '1s', provider: 'gatewayapi:v1', gatewayRefs: [{ name: 'public', namespace: 'gateways' }], stepWeight: 50, maxWeight: 50 });
  Object.assign(canary.spec as object, {
    autoscalerRef: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'podinfo' },
    revertOnDeletion: true,
  });
  await kube.create(canary);
  // A second app routed by Istio, so its VirtualService and DestinationRules are written and watched.
  await kube.create(podinfoDeployment(NS, { image: 'podinfo:6.0.0' }, 'backend'));
  await kube.create(podinfoCanary({ namespace: NS, name: 'backend', interval: '1s', provider: 'istio' }));
  // A DaemonSet target, so DaemonSets are watched, their primary created and the target scaled to zero.
  await kube.create(podinfoDaemonSet(NS, { image: 'podinfo:6.0.0' }));
  await kube.create(podinfoCanary({ namespace: NS, name: 'podinfo-ds', interval: '1s', provider: 'kubernetes', iterations: 2, targetKind: 'DaemonSet' }));
  // One app per ingress router and one routed by Linkerd, so the Ingress copy, the HTTPProxy, the
  // TraefikService and the TrafficSplit are written and watched.
  for (const provider of ['nginx', 'contour', 'traefik', 'linkerd']) {
    await kube.create(podinfoDeployment(NS, { image: 'podinfo:6.0.0' }, provider));
    const routed = podinfoCanary({ namespace: NS, name: provider, interval: '1s', provider });
    if (provider === 'nginx') {
      const backend = { service: { name: provider, port: { number: 9898 } } };
      await kube.create({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: provider, namespace: NS }, spec: { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } }] } });
      Object.assign(routed.spec as object, { ingressRef: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: provider } });
    }
    await kube.create(routed);
  }
}

/** What each ingress router (and linkerd's) writes, once its Canary is initialised. */
const INGRESS_ROUTED = [
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'nginx-canary' },
  { apiVersion: 'projectcontour.io/v1', kind: 'HTTPProxy', name: 'contour' },
  { apiVersion: 'traefik.io/v1alpha1', kind: 'TraefikService', name: 'traefik' },
  { apiVersion: 'split.smi-spec.io/v1alpha1', kind: 'TrafficSplit', name: 'linkerd' },
];

describe('the controller on an in-memory cluster', () => {
  const memory = new MemoryKube();
  const recording = new RecordingKube(memory);
  const deployments = new FakeDeploymentController(memory);
  const daemonSets = new FakeDaemonSetController(memory);
  const prometheus = new MetricStandIn(memory);
  let controller: Controller;

  beforeAll(async () => {
    await deployments.start();
    await daemonSets.start();
    const metricsServer = await prometheus.start();
    await seed(memory);
    const logger = pino({ level: 'silent' });
    controller = new Controller({
      kube: recording,
      config: controllerConfig.parse({ metricsServer, workers: 2, resyncSeconds: 30 }),
      logger,
      metrics: new ControllerMetrics(),
      notifier: new LogNotifier(logger),
      writeBack: new NoWriteBack(),
      rules: canaryProblems,
    });
    await controller.start();
    // The web view at /ui, as pennant run wires it: a page asks for a Canary's Events.
    const ui = webView({ canaries: { list: () => controller.cache.list(CANARY_TYPE), onChange: (handler) => controller.cache.onChange(CANARY_TYPE, handler) }, kube: recording });
    ui.hub.start();
    await ui.hub.ensureEvents();
    ui.hub.stop();
    await vi.waitFor(async () => expect(await memory.get({ apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', namespace: NS, name: 'backend' })).not.toBeNull(), { ...IO_WAIT, interval: 100 });
    await vi.waitFor(async () => expect((await memory.get({ apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: NS, name: 'podinfo-ds' }))?.spec).toMatchObject({ template: { spec: { nodeSelector: { 'flagger.app/scale-to-zero': 'true' } } } }), { ...IO_WAIT, interval: 100 });
    for (const ref of INGRESS_ROUTED) {
      await vi.waitFor(async () => expect(await memory.get({ ...ref, namespace: NS }), ref.kind).not.toBeNull(), { ...IO_WAIT, interval: 100 });
    }
    // A whole life: initialised, one revision analysed and promoted, deleted with revertOnDeletion.
    await waitForPhase(memory, NS, 'Initialized');
    await setImage(memory, NS, 'podinfo:6.0.1');
    await waitForPhase(memory, NS, 'Succeeded');
    await memory.delete(CANARY);
    await vi.waitFor(async () => expect(await memory.get(CANARY)).toBeNull(), { ...IO_WAIT, interval: 100 });
  }, 120_000);

  afterAll(async () => {
    await controller?.stop();
    deployments.stop();
    daemonSets.stop();
    await prometheus.stop();
  });

  it('deleted nothing itself: the garbage collector removed the -primary objects it created', async () => {
    expect([...recording.requests].filter((r) => r.endsWith(':delete'))).toEqual([]);
    expect(recording.requests).toContain('apps/deployments:create');
    const gone = [
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo-primary' },
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'podinfo-config-primary' },
      { apiVersion: 'v1', kind: 'Secret', name: 'podinfo-secret-primary' },
      { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'podinfo-primary' },
    ];
    for (const ref of gone) expect(await memory.get({ ...ref, namespace: NS }), ref.kind).toBeNull();
  });

  it('made only requests that CONTROLLER_PERMISSIONS grants', () => {
    const granted = grantsOfPermissions(CONTROLLER_PERMISSIONS);
    expect([...recording.requests].filter((r) => !granted.has(r)).sort()).toEqual([]);
  });

  it('used every resource permission, except those no in-memory run can show', () => {
    // canaries/finalizers is checked by an admission plugin, not by a request; Event patches
    // happen only for a repeat of the same Event within 10 minutes.
    const notObservable = new Set(['pennant.dev/canaries/finalizers:update', '/events:patch']);
    // GitSources are exercised by test/unit/gitops/rbac-exercised.test.ts.
    for (const grant of grantsOfPermissions(GITOPS_PERMISSIONS)) notObservable.add(grant);
    const granted = [...grantsOfPermissions(CONTROLLER_PERMISSIONS)].filter((g) => !g.startsWith('/api'));
    expect(granted.filter((g) => !recording.requests.has(g) && !notObservable.has(g)).sort()).toEqual([]);
  });
});
