import { beforeEach, describe, expect, it } from 'vitest';
import type { Canary } from '../../../src/api/index.js';
import type { KubeObject } from '../../../src/kube/types.js';
import { configChecksum } from '../../../src/workloads/configs.js';
import { DeploymentWorkload } from '../../../src/workloads/deployment-target.js';
import { configMap, deployment, secret } from '../../../src/workloads/k8s-types.js';
import { PAUSED_ANNOTATION, REVISION_ANNOTATION } from '../../../src/workloads/primary.js';
import { isConflict } from '../../../src/kube/errors.js';
import { hashPodTemplate } from '../../../src/workloads/revision.js';
import { WorkloadError } from '../../../src/workloads/types.js';
import {
  cluster, CONFIGMAP, container, DEPLOYMENT, deploymentObject, type DeploymentOptions, HPA, makeCanary, NS, ownerOf, ref, SECRET, settled,
} from './fixtures.js';

type Cluster = Awaited<ReturnType<typeof cluster>>;

const configMapObject = (name: string, data: Record<string, string>, extra: { labels?: Record<string, string>; annotations?: Record<string, string> } = {}): KubeObject => ({
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS, ...extra }, data,
});
const secretObject = (name: string, data: Record<string, string>, type = 'Opaque'): KubeObject => ({
  apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: NS }, type, data,
});
const hpaObject = (name: string, minReplicas?: number): KubeObject => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name, namespace: NS },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' }, ...(minReplicas !== undefined ? { minReplicas } : {}), maxReplicas: 10 },
});
const withHpa = (name = 'podinfo'): Canary =>
  makeCanary({ spec: { autoscalerRef: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name } } });

/** A pod spec using a tracked ConfigMap and Secret, an untracked Secret type, an opted-out ConfigMap and an optional missing one. */
const configuredPodSpec = () => ({
  containers: [
    container({
      envFrom: [{ configMapRef: { name: 'app-config' } }, { configMapRef: { name: 'maybe', optional: true } }],
      env: [{ name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'app-secret', key: 'password' } } }],
    }),
  ],
  volumes: [{ name: 'static', configMap: { name: 'static-config' } }],
  imagePullSecrets: [{ name: 'registry' }],
  initContainers: [{ name: 'init', image: 'busybox', envFrom: [{ secretRef: { name: 'registry' } }] }],
});

async function seedConfigs(c: Cluster): Promise<void> {
  await c.kube.create(configMapObject('app-config', { LEVEL: 'info' }, {
    labels: { app: 'podinfo', 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system', 'pennant.dev/gitsource': 'repo' },
    annotations: { note: 'kept' },
  }));
  await c.kube.create(configMapObject('static-config', { a: 'b' }, { annotations: { 'flagger.app/config-tracking': 'disabled' } }));
  await c.kube.create(secretObject('app-secret', { password: 'cGFzcw==' }));
  await c.kube.create(secretObject('registry', { '.dockerconfigjson': 'e30=' }, 'kubernetes.io/dockerconfigjson'));
}

describe('DeploymentWorkload', () => {
  let c: Cluster;
  let workload: DeploymentWorkload;

  beforeEach(async () => {
    c = await cluster([DEPLOYMENT, CONFIGMAP, SECRET, HPA]);
    workload = new DeploymentWorkload(c.client, c.cache);
  });

  const putTarget = async (o: DeploymentOptions = {}) => {
    const created = await c.kube.create(deploymentObject(o));
    await settled();
    return created;
  };
  const stored = async (name: string) => deployment.parse(await c.kube.get(ref(DEPLOYMENT, name)));
  const setStatus = async (name: string, status: Record<string, unknown>) => {
    const current = await c.kube.get(ref(DEPLOYMENT, name));
    await c.kube.patchStatus(ref(DEPLOYMENT, name), { observedGeneration: current?.metadata.generation, ...status }, current?.metadata.resourceVersion ?? '');
    await settled();
  };

  it('watches Deployments, ConfigMaps, Secrets and HPAs', () => {
    expect(workload.watches.map((t) => t.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'Secret']);
  });

  describe('observe', () => {
    it('a missing target: neither target nor primary exists', () => {
      const view = workload.observe(makeCanary());
      expect(view.target.exists).toBe(false);
      expect(view.primary.exists).toBe(false);
      expect(view.canaryReplicasWhenUp).toBe(1);
      expect(view.target.readiness.ready).toBe(false);
    });

    it('a target without primary: revision is the hash of the stored pod template, no configs, primary missing', async () => {
      await putTarget({ replicas: 2 });
      const view = workload.observe(makeCanary());
      expect(view.target).toMatchObject({ exists: true, revision: hashPodTemplate((await stored('podinfo')).spec.template), trackedConfigs: {}, replicas: 2 });
      expect(view.primary.exists).toBe(false);
    });

    it('tracked configs: checksums of the ConfigMaps and Secrets Pennant tracks, and nothing else', async () => {
      await seedConfigs(c);
      await putTarget({ podSpec: configuredPodSpec() });
      const view = workload.observe(makeCanary());
      const cm = configMap.parse(await c.kube.get(ref(CONFIGMAP, 'app-config')));
      const sec = secret.parse(await c.kube.get(ref(SECRET, 'app-secret')));
      expect(view.target.trackedConfigs).toEqual({ 'configmap/app-config': configChecksum(cm), 'secret/app-secret': configChecksum(sec) });
    });

    it('a config change changes its checksum, not the revision', async () => {
      await seedConfigs(c);
      await putTarget({ podSpec: configuredPodSpec() });
      const before = workload.observe(makeCanary()).target;
      await c.kube.patch(ref(CONFIGMAP, 'app-config'), { data: { LEVEL: 'debug' } });
      await settled();
      const after = workload.observe(makeCanary()).target;
      expect(after.revision).toBe(before.revision);
      expect(after.trackedConfigs?.['configmap/app-config']).not.toBe(before.trackedConfigs?.['configmap/app-config']);
      expect(after.trackedConfigs?.['secret/app-secret']).toBe(before.trackedConfigs?.['secret/app-secret']);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['ConfigMap', { envFrom: [{ configMapRef: { name: 'missing' } }] }, `ConfigMap ${NS}/missing`],
      ['Secret', { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'missing', key: 'k' } } }] }, `Secret ${NS}/missing`],
    ])('a required %s that is missing is a WorkloadError naming it and the Deployment', async (_, extra, named) => {
      await putTarget({ podSpec: { containers: [container(extra)] } });
      const observe = () => workload.observe(makeCanary());
      expect(observe).toThrow(WorkloadError);
      expect(observe).toThrow(named);
      expect(observe).toThrow(`Deployment ${NS}/podinfo`);
      await expect(workload.createPrimary(makeCanary())).rejects.toThrow(named);
    });

    it('an optional missing ConfigMap is skipped', async () => {
      await putTarget({ podSpec: { containers: [container({ envFrom: [{ configMapRef: { name: 'missing', optional: true } }] })] } });
      expect(workload.observe(makeCanary()).target.trackedConfigs).toEqual({});
    });

    it('readiness of the target uses canaryReadyThreshold, of the primary primaryReadyThreshold', async () => {
      await putTarget({ replicas: 4 });
      await workload.createPrimary(makeCanary());
      await settled();
      const half = { replicas: 4, updatedReplicas: 4, availableReplicas: 2 };
      await setStatus('podinfo', half);
      await setStatus('podinfo-primary', half);
      const strict = workload.observe(makeCanary());
      expect(strict.target.readiness.ready).toBe(false);
      expect(strict.primary.readiness.ready).toBe(false);
      const lenientCanary = workload.observe(makeCanary({ analysis: { canaryReadyThreshold: 50 } }));
      expect(lenientCanary.target.readiness.ready).toBe(true);
      expect(lenientCanary.primary.readiness.ready).toBe(false);
      const lenientPrimary = workload.observe(makeCanary({ analysis: { primaryReadyThreshold: 50 } }));
      expect(lenientPrimary.target.readiness.ready).toBe(false);
      expect(lenientPrimary.primary.readiness.ready).toBe(true);
    });

    it('the primary reports the revision it was built from, and its replicas', async () => {
      await putTarget({ replicas: 3 });
      await workload.createPrimary(makeCanary());
      await settled();
      const view = workload.observe(makeCanary());
      expect(view.primary).toMatchObject({ exists: true, revision: view.target.revision, replicas: 3 });
    });

    interface ReplicasRow { rule: string; target?: number; hpa?: { min?: number } | 'missing'; primary?: number; expected: number }
    it.each<ReplicasRow>([
      { rule: 'the target replicas first', target: 3, hpa: { min: 2 }, primary: 5, expected: 3 },
      { rule: 'target at 0: the HPA minimum', target: 0, hpa: { min: 2 }, primary: 5, expected: 2 },
      { rule: 'target at 0, HPA without minimum: 1', target: 0, hpa: {}, primary: 5, expected: 1 },
      { rule: 'target at 0, no autoscaler: the primary replicas', target: 0, primary: 4, expected: 4 },
      { rule: 'target at 0, autoscalerRef to a missing HPA: the primary replicas', target: 0, hpa: 'missing', primary: 4, expected: 4 },
      { rule: 'target at 0, no autoscaler, no primary: 1', target: 0, expected: 1 },
      { rule: 'target replicas unset, no autoscaler, primary 2: 2', primary: 2, expected: 2 },
    ])('canaryReplicasWhenUp: $rule', async ({ target, hpa, primary, expected }) => {
      await putTarget(target !== undefined ? { replicas: target } : {});
      if (hpa && hpa !== 'missing') await c.kube.create(hpaObject('podinfo', hpa.min));
      if (primary !== undefined) await c.kube.create(deploymentObject({ name: 'podinfo-primary', matchLabels: { app: 'podinfo-primary' }, replicas: primary }));
      await settled();
      expect(workload.observe(hpa ? withHpa() : makeCanary()).canaryReplicasWhenUp).toBe(expected);
    });
  });

  describe('createPrimary', () => {
    it('creates <target>-primary from the target, owned by the Canary', async () => {
      await putTarget({ replicas: 2 });
      const canary = makeCanary();
      await workload.createPrimary(canary);
      const primary = await stored('podinfo-primary');
      expect(primary.metadata.ownerReferences).toEqual([ownerOf(canary)]);
      expect(primary.spec.selector.matchLabels).toEqual({ app: 'podinfo-primary' });
      expect(primary.spec.replicas).toBe(2);
      expect(primary.spec.template.metadata?.annotations?.[REVISION_ANNOTATION]).toBe(hashPodTemplate((await stored('podinfo')).spec.template));
    });

    it('copies the target\'s labels and annotations with an --include-label-prefix prefix, at creation and at promotion', async () => {
      const labeled = new DeploymentWorkload(c.client, c.cache, { includeLabelPrefix: ['app.kubernetes.io'] });
      await putTarget({ labels: { 'app.kubernetes.io/part-of': 'shop', team: 'web' } });
      await c.kube.patch(ref(DEPLOYMENT, 'podinfo'), { metadata: { annotations: { 'app.kubernetes.io/instance': 'v1', note: 'no' } } });
      await settled();
      await labeled.createPrimary(makeCanary());
      let primary = await stored('podinfo-primary');
      expect(primary.metadata.labels).toEqual({ 'app.kubernetes.io/part-of': 'shop', app: 'podinfo-primary' });
      expect(primary.metadata.annotations).toEqual({ 'app.kubernetes.io/instance': 'v1' });

      await c.kube.patch(ref(DEPLOYMENT, 'podinfo'), { metadata: { labels: { 'app.kubernetes.io/part-of': null }, annotations: { 'app.kubernetes.io/instance': 'v2' } } });
      await settled();
      await labeled.promote(makeCanary());
      primary = await stored('podinfo-primary');
      expect(primary.metadata.labels).toEqual({ app: 'podinfo-primary' });
      expect(primary.metadata.annotations).toEqual({ 'app.kubernetes.io/instance': 'v2' });
    });

    it('creates -primary copies of the tracked configs (data copied, owned by the Canary, GitOps labels dropped) and points the primary at them', async () => {
      await seedConfigs(c);
      await putTarget({ podSpec: configuredPodSpec() });
      const canary = makeCanary();
      await workload.createPrimary(canary);

      const cm = await c.kube.get(ref(CONFIGMAP, 'app-config-primary'));
      expect(cm?.data).toEqual({ LEVEL: 'info' });
      expect(cm?.metadata.labels).toEqual({ app: 'podinfo' });
      expect(cm?.metadata.annotations).toEqual({ note: 'kept' });
      expect(cm?.metadata.ownerReferences).toEqual([ownerOf(canary)]);
      const sec = await c.kube.get(ref(SECRET, 'app-secret-primary'));
      expect(sec).toMatchObject({ type: 'Opaque', data: { password: 'cGFzcw==' } });
      expect(sec?.metadata.ownerReferences).toEqual([ownerOf(canary)]);

      // Not tracked: no copy, and the primary keeps using the original.
      expect(await c.kube.get(ref(CONFIGMAP, 'static-config-primary'))).toBeNull();
      expect(await c.kube.get(ref(SECRET, 'registry-primary'))).toBeNull();
      expect(await c.kube.get(ref(CONFIGMAP, 'maybe-primary'))).toBeNull();
      const podSpec = (await stored('podinfo-primary')).spec.template.spec as ReturnType<typeof configuredPodSpec>;
      expect(podSpec.containers[0]?.envFrom).toEqual([{ configMapRef: { name: 'app-config-primary' } }, { configMapRef: { name: 'maybe', optional: true } }]);
      expect(podSpec.containers[0]?.env).toEqual([{ name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'app-secret-primary', key: 'password' } } }]);
      expect(podSpec.volumes).toEqual([{ name: 'static', configMap: { name: 'static-config' } }]);
      expect(podSpec.initContainers[0]?.envFrom).toEqual([{ secretRef: { name: 'registry' } }]);
    });

    it('creates the primary HPA when the Canary has an autoscalerRef', async () => {
      await putTarget({ replicas: 2 });
      await c.kube.create(hpaObject('podinfo-hpa', 2));
      await settled();
      const canary = withHpa('podinfo-hpa');
      await workload.createPrimary(canary);
      const hpa = await c.kube.get(ref(HPA, 'podinfo-hpa-primary'));
      expect(hpa?.spec).toMatchObject({ scaleTargetRef: { kind: 'Deployment', name: 'podinfo-primary' }, minReplicas: 2, maxReplicas: 10 });
      expect(hpa?.metadata.ownerReferences).toEqual([ownerOf(canary)]);
    });

    it('a target left at 0 replicas with an HPA (Canary re-created after a deletion) gets a primary of 1, not 0', async () => {
      // With 0 replicas the HPA disables scaling and the "ready" primary would serve with no pods.
      await putTarget({ replicas: 0 });
      await c.kube.create(hpaObject('podinfo', 2));
      await settled();
      await workload.createPrimary(withHpa());
      expect((await stored('podinfo-primary')).spec.replicas).toBe(1);
    });

    it.each<[string, Canary, string]>([
      ['a missing target', makeCanary({ spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'absent' } } }), `Deployment ${NS}/absent not found`],
      ['an autoscalerRef to a missing HPA', withHpa('absent'), `HorizontalPodAutoscaler ${NS}/absent`],
      ['an autoscalerRef to a ScaledObject', makeCanary({ spec: { autoscalerRef: { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', name: 'podinfo' } } }), 'ScaledObject'],
    ])('fails with a WorkloadError for %s', async (_, canary, message) => {
      await putTarget();
      const err = await workload.createPrimary(canary).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(WorkloadError);
      expect((err as Error).message).toContain(message);
    });
  });

  describe('promote', () => {
    it("updates the primary's pod template to the target's current one", async () => {
      await putTarget();
      await workload.createPrimary(makeCanary());
      await c.kube.patch(ref(DEPLOYMENT, 'podinfo'), { spec: { template: { spec: { containers: [container({ image: 'ghcr.io/stefanprodan/podinfo:6.0.1' })] } } } });
      await settled();

      const before = workload.observe(makeCanary());
      expect(before.primary.revision).not.toBe(before.target.revision);
      await workload.promote(makeCanary());
      await settled();

      const primary = await stored('podinfo-primary');
      expect((primary.spec.template.spec as { containers: { image: string }[] }).containers[0]?.image).toBe('ghcr.io/stefanprodan/podinfo:6.0.1');
      const after = workload.observe(makeCanary());
      expect(after.primary.revision).toBe(after.target.revision);
    });

    it('copies the config changes to the -primary copies only at promotion', async () => {
      await seedConfigs(c);
      await putTarget({ podSpec: configuredPodSpec() });
      await workload.createPrimary(makeCanary());
      await c.kube.patch(ref(CONFIGMAP, 'app-config'), { data: { LEVEL: 'debug' } });
      await settled();
      expect((await c.kube.get(ref(CONFIGMAP, 'app-config-primary')))?.data).toEqual({ LEVEL: 'info' });
      await workload.promote(makeCanary());
      expect((await c.kube.get(ref(CONFIGMAP, 'app-config-primary')))?.data).toEqual({ LEVEL: 'debug' });
    });

    it('keeps the primary replicas an HPA chose', async () => {
      await putTarget({ replicas: 2 });
      await c.kube.create(hpaObject('podinfo', 2));
      await settled();
      await workload.createPrimary(withHpa());
      await c.kube.patch(ref(DEPLOYMENT, 'podinfo-primary'), { spec: { replicas: 7 } }); // the HPA scaled up
      await settled();
      await workload.promote(withHpa());
      expect((await stored('podinfo-primary')).spec.replicas).toBe(7);
    });
  });

  describe('scaleCanary', () => {
    it('patches the target replicas and nothing else', async () => {
      await putTarget({ replicas: 2, spec: { minReadySeconds: 5 } });
      await workload.createPrimary(makeCanary());
      await settled();
      const target = await stored('podinfo');
      const primary = await c.kube.get(ref(DEPLOYMENT, 'podinfo-primary'));
      c.client.writes.length = 0;

      await workload.scaleCanary(makeCanary(), 0);

      expect(c.client.writes).toEqual(['patch Deployment/podinfo']);
      const scaled = await stored('podinfo');
      expect(scaled.spec.replicas).toBe(0);
      expect({ ...scaled.spec, replicas: 2 }).toEqual(target.spec);
      expect(scaled.metadata.labels).toEqual(target.metadata.labels);
      expect(await c.kube.get(ref(DEPLOYMENT, 'podinfo-primary'))).toEqual(primary);
    });
  });
  describe('pauseCanary', () => {
    const revisionOf = async () => hashPodTemplate((await stored('podinfo')).spec.template);

    it('pauses the target, marked as Pennant\'s pause, and observe reports it', async () => {
      await putTarget({ replicas: 2 });
      await workload.pauseCanary(makeCanary(), true, await revisionOf());
      await settled();
      const paused = await stored('podinfo');
      expect(paused.spec.paused).toBe(true);
      expect(paused.metadata.annotations?.[PAUSED_ANNOTATION]).toBe('true');
      expect(workload.observe(makeCanary()).target).toMatchObject({ paused: true, pausedByPennant: true });
    });

    it('refuses to pause when the template changed since the decision: a Conflict, and nothing written', async () => {
      await putTarget({ replicas: 2 });
      const decidedOn = await revisionOf();
      await c.kube.patch(ref(DEPLOYMENT, 'podinfo'), { spec: { template: { metadata: { annotations: { new: 'template' } } } } });
      await settled();
      c.client.writes.length = 0;
      const err = await workload.pauseCanary(makeCanary(), true, decidedOn).then(() => undefined, (e: unknown) => e);
      expect(isConflict(err)).toBe(true);
      expect(c.client.writes).toEqual([]);
      expect((await stored('podinfo')).spec.paused).toBeUndefined();
    });

    it('refuses to pause a Deployment that moved on since the cache read it (resourceVersion precondition)', async () => {
      await putTarget({ replicas: 2 });
      const decidedOn = await revisionOf();
      const raw = await c.kube.get(ref(DEPLOYMENT, 'podinfo'));
      const stale = { get: () => raw } as unknown as ConstructorParameters<typeof DeploymentWorkload>[1];
      await c.kube.patch(ref(DEPLOYMENT, 'podinfo'), { metadata: { labels: { touched: 'yes' } } });
      const err = await new DeploymentWorkload(c.client, stale).pauseCanary(makeCanary(), true, decidedOn).then(() => undefined, (e: unknown) => e);
      expect(isConflict(err)).toBe(true);
      expect((await stored('podinfo')).spec.paused).toBeUndefined();
    });

    it('unpauses and removes the mark', async () => {
      await putTarget({ replicas: 2 });
      await workload.pauseCanary(makeCanary(), true, await revisionOf());
      await settled();
      await workload.pauseCanary(makeCanary(), false);
      await settled();
      const resumed = await stored('podinfo');
      expect(resumed.spec.paused).toBeUndefined();
      expect(resumed.metadata.annotations?.[PAUSED_ANNOTATION]).toBeUndefined();
      expect(workload.observe(makeCanary()).target).toMatchObject({ paused: false, pausedByPennant: false });
    });
  });
});
