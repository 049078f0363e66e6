import { beforeEach, describe, expect, it } from 'vitest';
import type { Canary } from '../../../src/api/index.js';
import type { KubeObject } from '../../../src/kube/types.js';
import { routerFor } from '../../../src/routers/factory.js';
import { configChecksum } from '../../../src/workloads/configs.js';
import { DaemonSetWorkload } from '../../../src/workloads/daemonset-target.js';
import { workloadFor } from '../../../src/workloads/factory.js';
import { configMap, daemonSet } from '../../../src/workloads/k8s-types.js';
import { REVISION_ANNOTATION } from '../../../src/workloads/primary.js';
import { hashPodTemplate } from '../../../src/workloads/revision.js';
import { WorkloadError } from '../../../src/workloads/types.js';
import { cluster, CONFIGMAP, container, type DeploymentOptions, deploymentObject, makeCanary, NS, ownerOf, ref, SECRET, settled } from './fixtures.js';

const DAEMONSET = { apiVersion: 'apps/v1', kind: 'DaemonSet' };
const SCALE_TO_ZERO = { 'flagger.app/scale-to-zero': 'true' };

type Cluster = Awaited<ReturnType<typeof cluster>>;

/** The fixtures' Deployment as a DaemonSet: the same template and selector, no replicas. */
function daemonSetObject(o: DeploymentOptions = {}): KubeObject {
  const { replicas: _none, ...rest } = deploymentObject(o).spec as Record<string, unknown>;
  return { ...deploymentObject(o), kind: 'DaemonSet', spec: rest };
}

const dsCanary = (extra: Parameters<typeof makeCanary>[0] = {}): Canary =>
  makeCanary({ ...extra, spec: { targetRef: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'podinfo' }, provider: 'kubernetes', ...extra.spec } });

describe('DaemonSetWorkload', () => {
  let c: Cluster;
  let workload: DaemonSetWorkload;
  const canary = dsCanary();

  beforeEach(async () => {
    c = await cluster([DAEMONSET, CONFIGMAP, SECRET]);
    workload = new DaemonSetWorkload(c.client, c.cache);
  });

  const putTarget = async (o: DeploymentOptions = {}) => {
    await c.kube.create(daemonSetObject(o));
    await settled();
  };
  const stored = async (name: string) => daemonSet.parse(await c.kube.get(ref(DAEMONSET, name)));
  const setStatus = async (name: string, status: Record<string, unknown>) => {
    const current = await c.kube.get(ref(DAEMONSET, name));
    await c.kube.patchStatus(ref(DAEMONSET, name), { observedGeneration: current?.metadata.generation, ...status }, current?.metadata.resourceVersion ?? '');
    await settled();
  };
  const nodeSelectorOf = async (name: string) => ((await stored(name)).spec.template.spec as { nodeSelector?: Record<string, string> }).nodeSelector;

  it('is what the workload factory builds for targetRef.kind DaemonSet, and watches DaemonSets and configs only', () => {
    expect(workloadFor(canary, c.client, c.cache)).toBeInstanceOf(DaemonSetWorkload);
    expect(workload.watches.map((t) => t.kind).sort()).toEqual(['ConfigMap', 'DaemonSet', 'Secret']);
  });

  it('with the kubernetes router, needs no Deployment informer', () => {
    const types = [...workloadFor(canary, c.client, c.cache).watches, ...routerFor('kubernetes', { kube: c.client, cache: c.cache }).watches];
    expect(types.map((t) => t.kind).sort()).toEqual(['ConfigMap', 'DaemonSet', 'Secret', 'Service']);
  });

  it('observes a missing target as not existing', () => {
    expect(workload.observe(canary).target.exists).toBe(false);
  });

  it('creates <name>-primary: the target\'s template with the primary selector label, its revision and the Canary as owner', async () => {
    await putTarget({ labels: { team: 'a' }, spec: { minReadySeconds: 5, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } } } });
    await workload.createPrimary(canary);
    const primary = await stored('podinfo-primary');
    expect(primary.metadata.ownerReferences).toEqual([ownerOf(canary)]);
    expect(primary.metadata.labels).toEqual({ app: 'podinfo-primary' });
    expect(primary.spec.selector.matchLabels).toEqual({ app: 'podinfo-primary' });
    expect(primary.spec.template.metadata?.labels).toEqual({ app: 'podinfo-primary' });
    expect(primary.spec.template.metadata?.annotations?.[REVISION_ANNOTATION]).toBe(workload.observe(canary).target.revision);
    expect(primary.spec.minReadySeconds).toBe(5);
    expect(primary.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } });
  });

  it('scales the canary to zero with Flagger\'s nodeSelector, keeping the user\'s own, and back', async () => {
    await putTarget({ podSpec: { containers: [container()], nodeSelector: { 'kubernetes.io/os': 'linux' } } });
    expect(workload.observe(canary).target.replicas).toBe(1);
    await workload.scaleCanary(canary, 0);
    await settled();
    expect(await nodeSelectorOf('podinfo')).toEqual({ 'kubernetes.io/os': 'linux', ...SCALE_TO_ZERO });
    expect(workload.observe(canary).target.replicas).toBe(0);
    await workload.scaleCanary(canary, workload.observe(canary).canaryReplicasWhenUp);
    await settled();
    expect(await nodeSelectorOf('podinfo')).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(workload.observe(canary).target.replicas).toBe(1);
  });

  it('scaling is not a new revision, and the primary never gets the scale-to-zero selector', async () => {
    await putTarget();
    const before = workload.observe(canary).target.revision;
    expect(before).toBe(hashPodTemplate((await stored('podinfo')).spec.template));
    await workload.scaleCanary(canary, 0);
    await settled();
    expect(workload.observe(canary).target.revision).toBe(before);
    await workload.promote(canary);
    expect(await nodeSelectorOf('podinfo-primary')).toBeUndefined();
  });

  it('a new template is a new revision, promoted to the primary', async () => {
    await putTarget();
    await workload.createPrimary(canary);
    const first = workload.observe(canary).target.revision;
    await c.kube.patch(ref(DAEMONSET, 'podinfo'), { spec: { template: { spec: { containers: [container({ image: 'ghcr.io/stefanprodan/podinfo:6.0.1' })] } } } });
    await settled();
    const second = workload.observe(canary).target.revision;
    expect(second).not.toBe(first);
    await workload.promote(canary);
    await settled();
    expect(workload.observe(canary).primary.revision).toBe(second);
    expect(((await stored('podinfo-primary')).spec.template.spec as { containers: { image: string }[] }).containers[0]?.image).toBe('ghcr.io/stefanprodan/podinfo:6.0.1');
  });

  it('tracks the ConfigMaps it uses and gives the primary their -primary copies', async () => {
    await c.kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config', namespace: NS }, data: { LEVEL: 'info' } });
    await putTarget({ podSpec: { containers: [container({ envFrom: [{ configMapRef: { name: 'app-config' } }] })] } });
    const checksum = configChecksum(configMap.parse(await c.kube.get(ref(CONFIGMAP, 'app-config'))));
    expect(workload.observe(canary).target.trackedConfigs).toEqual({ 'configmap/app-config': checksum });
    await workload.createPrimary(canary);
    expect((await c.kube.get(ref(CONFIGMAP, 'app-config-primary')))?.data).toEqual({ LEVEL: 'info' });
    const envFrom = ((await stored('podinfo-primary')).spec.template.spec as { containers: { envFrom: unknown[] }[] }).containers[0]?.envFrom;
    expect(envFrom).toEqual([{ configMapRef: { name: 'app-config-primary' } }]);
  });

  it('is never pausable: the engine does not hold a DaemonSet, and pausing one is an error', async () => {
    await putTarget();
    expect(workload.observe(canary).target.pausable).toBe(false);
    await expect(workload.pauseCanary(canary, true)).rejects.toThrow(/cannot be paused/);
    await expect(workload.pauseCanary(canary, false)).resolves.toBeUndefined();
  });

  it('refuses a target whose update strategy is not RollingUpdate, as Flagger', async () => {
    await putTarget({ spec: { updateStrategy: { type: 'OnDelete' } } });
    expect(() => workload.observe(canary)).toThrow(WorkloadError);
    expect(() => workload.observe(canary)).toThrow(/spec\.updateStrategy\.type is OnDelete; it must be RollingUpdate/);
  });

  it('reads readiness from the status numbers, with the Canary\'s threshold', async () => {
    await putTarget();
    await workload.createPrimary(canary);
    await setStatus('podinfo-primary', { desiredNumberScheduled: 4, updatedNumberScheduled: 4, numberAvailable: 3 });
    expect(workload.observe(canary).primary.readiness).toEqual({ ready: false, message: '3 of 4 updated pods available', deadlineExceeded: false });
    expect(workload.observe(dsCanary({ analysis: { primaryReadyThreshold: 75 } })).primary.readiness).toEqual({ ready: true });
  });
});
