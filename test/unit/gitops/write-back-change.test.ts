import { describe, expect, it } from 'vitest';
import type { Canary } from '../../../src/api/index.js';
import { parseManifests } from '../../../src/gitops/manifests.js';
import { promotedTemplate } from '../../../src/gitops/primary-template.js';
import { templateEdits } from '../../../src/gitops/template-diff.js';
import { planChange, PROMOTED_ANNOTATION, type WorkloadFacts } from '../../../src/gitops/write-back-change.js';
import type { PendingWriteBack } from '../../../src/gitops/write-back.js';
import { hashPodTemplate } from '../../../src/workloads/revision.js';
import { CANARY_YAML, canaryOf, deploymentObject, FAULTY, liveTemplate, PODINFO_YAML, PROMOTED } from './fixtures.js';

const FILES = { 'apps/podinfo.yaml': PODINFO_YAML, 'apps/canary.yaml': CANARY_YAML };
const parsed = parseManifests(Object.entries(FILES).map(([path, text]) => ({ path, text })), 'tenant');
if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
const manifests = parsed.manifests;

/** The primary as Pennant builds it: selector label -primary, its annotations, renamed tracked config. */
function primaryTemplate() {
  const t = liveTemplate(PROMOTED, '0', 'podinfo-primary', { 'pennant.dev/revision': 'abc', 'pennant.dev/configs-checksum': 'def' });
  return t;
}

const target = deploymentObject('podinfo', 'tenant', liveTemplate(FAULTY, '0.3'));
const facts: WorkloadFacts = { primary: deploymentObject('podinfo-primary', 'tenant', primaryTemplate()), target, isPrimaryCopy: () => true };
const failed = { phase: 'Failed' as const, lastAppliedSpec: hashPodTemplate((target.spec as { template: unknown }).template) };
const rollback: PendingWriteBack = { outcome: 'rolledBack', reason: 'failed checks threshold reached 2 (last failing: request-success-rate)', revision: 'r', since: '2026-11-25T10:00:00.000Z', attempts: 0 };
const promotion: PendingWriteBack = { outcome: 'promoted', reason: 'analysis passed', revision: 'r', since: '2026-11-25T10:00:00.000Z', attempts: 0 };

const plan = (canary: Canary, pending: PendingWriteBack, files: Record<string, string> = FILES, f = facts, m = manifests) =>
  planChange({ canary, pending, manifests: m, facts: f, readText: async (file) => files[file] ?? '' });

describe('planChange: rollback', () => {
  it('Images: every container and init container Git declares gets the primary\'s image; nothing else changes', async () => {
    const change = await plan(canaryOf(failed), rollback);
    expect(change.kind).toBe('edit');
    if (change.kind !== 'edit') return;
    expect(change.file).toBe('apps/podinfo.yaml');
    expect(change.text).toBe(PODINFO_YAML.replace('"migrate:1.1"', '"migrate:1.0"').replace("'ghcr.io/stefanprodan/podinfo:6.0.1'", "'ghcr.io/stefanprodan/podinfo:6.0.0'"));
    expect(change.vars).toMatchObject({ canary: 'podinfo', namespace: 'tenant', outcome: 'rolledBack', images: 'migrate=migrate:1.0, podinfod=ghcr.io/stefanprodan/podinfo:6.0.0, proxy=envoy:1.30' });
  });

  it('PodTemplate: also the annotations, without Pennant\'s own, and without the API server\'s defaults', async () => {
    const change = await plan(canaryOf(failed, { revert: 'PodTemplate' }), rollback);
    if (change.kind !== 'edit') throw new Error(change.message);
    expect(change.text).toBe(PODINFO_YAML
      .replace('"migrate:1.1"', '"migrate:1.0"')
      .replace("'ghcr.io/stefanprodan/podinfo:6.0.1'", "'ghcr.io/stefanprodan/podinfo:6.0.0'")
      .replace('error-rate: "0.3"', 'error-rate: "0"'));
  });

  it.each<[string, Canary, Record<string, string>, WorkloadFacts, RegExp]>([
    ['Git already declares the primary\'s images (a retry after the commit)', canaryOf(failed), { ...FILES, 'apps/podinfo.yaml': PODINFO_YAML.replace('migrate:1.1', 'migrate:1.0').replace('podinfo:6.0.1', 'podinfo:6.0.0') }, facts, /already declares/],
    ['a newer revision is being analysed', canaryOf({ ...failed, phase: 'Progressing' }), FILES, facts, /superseded/],
    ['the target changed since the rollback', canaryOf({ ...failed, lastAppliedSpec: 'other' }), FILES, facts, /target changed/],
    ['Git declares a third image (pushed after the failed one)', canaryOf(failed), { ...FILES, 'apps/podinfo.yaml': PODINFO_YAML.replace('podinfo:6.0.1', 'podinfo:6.0.2') }, facts, /moved on/],
  ])('no commit when %s', async (_name, canary, files, f, message) => {
    const change = await plan(canary, rollback, files, f);
    expect(change).toEqual({ kind: 'none', message: expect.stringMatching(message) });
  });

  it('fails when Git does not declare the target', async () => {
    const canary = { ...canaryOf(failed), spec: { ...canaryOf(failed).spec, targetRef: { apiVersion: 'apps/v1', kind: 'Deployment' as const, name: 'other' } } };
    await expect(plan(canary, rollback)).rejects.toThrow('Git does not declare Deployment tenant/other');
  });
});

describe('planChange: promotion', () => {
  it('records what was promoted, and when, on the Canary\'s manifest (not the pod template)', async () => {
    const change = await plan(canaryOf({ phase: 'Succeeded' }), promotion);
    if (change.kind !== 'edit') throw new Error(change.message);
    expect(change.file).toBe('apps/canary.yaml');
    const value = 'migrate=migrate:1.0, podinfod=ghcr.io/stefanprodan/podinfo:6.0.0, proxy=envoy:1.30 at 2026-11-25T10:00:00.000Z';
    expect(change.text).toBe(CANARY_YAML.replace('metadata: { name: podinfo }', `metadata: { name: podinfo, annotations: { ${PROMOTED_ANNOTATION}: "${value}" } }`));
  });

  it('records nothing when the Canary is not in Git (only its target is)', async () => {
    expect(await plan(canaryOf({ phase: 'Succeeded' }), promotion, { 'apps/podinfo.yaml': PODINFO_YAML }, facts, manifests.filter((m) => m.object.kind !== 'Canary')))
      .toEqual({ kind: 'none', message: 'Git does not declare Canary tenant/podinfo: nowhere to record the promotion' });
  });

  it('is idempotent: the same record is not committed twice', async () => {
    const first = await plan(canaryOf({ phase: 'Succeeded' }), promotion);
    if (first.kind !== 'edit') throw new Error('expected an edit');
    const again = await plan(canaryOf({ phase: 'Succeeded' }), promotion, { ...FILES, 'apps/canary.yaml': first.text });
    expect(again).toEqual({ kind: 'none', message: expect.stringMatching(/already records/) });
  });
});

describe('promotedTemplate and templateEdits', () => {
  it('undoes what Pennant did to the primary: selector label, annotations, -primary config refs, affinity', () => {
    const primary = {
      metadata: { labels: { app: 'podinfo-primary', team: 'a' }, annotations: { 'pennant.dev/revision': 'x', 'pennant.dev/configs-checksum': 'y' } },
      spec: {
        containers: [{ name: 'c', image: 'i', envFrom: [{ configMapRef: { name: 'cfg-primary' } }, { secretRef: { name: 'untracked-primary' } }] }],
        volumes: [{ name: 'v', secret: { secretName: 'tls-primary' } }],
        affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ podAffinityTerm: { labelSelector: { matchLabels: { app: 'podinfo-primary' } } } }] } },
      },
    };
    const copies = new Set(['ConfigMap/cfg-primary', 'Secret/tls-primary']);
    const wanted = promotedTemplate({ primary, targetSelector: { app: 'podinfo' }, isPrimaryCopy: (kind, name) => copies.has(`${kind}/${name}`) });
    expect(wanted).toEqual({
      metadata: { labels: { app: 'podinfo', team: 'a' } },
      spec: {
        containers: [{ name: 'c', image: 'i', envFrom: [{ configMapRef: { name: 'cfg' } }, { secretRef: { name: 'untracked-primary' } }] }],
        volumes: [{ name: 'v', secret: { secretName: 'tls' } }],
        affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ podAffinityTerm: { labelSelector: { matchLabels: { app: 'podinfo' } } } }] } },
      },
    });
  });

  it('adds what Git lacks only when it differs from what the server made of Git, and removes what the promoted version lacks', () => {
    const declared = { spec: { containers: [{ name: 'a', image: 'a:2', args: ['--new'] }, { name: 'b', image: 'b:1' }] } };
    const live = { spec: { dnsPolicy: 'ClusterFirst', containers: [{ name: 'a', image: 'a:2', args: ['--new'], imagePullPolicy: 'IfNotPresent' }, { name: 'b', image: 'b:1', imagePullPolicy: 'IfNotPresent' }] } };
    const wanted = { spec: { dnsPolicy: 'ClusterFirst', hostname: 'h', containers: [{ name: 'b', image: 'b:1', imagePullPolicy: 'IfNotPresent' }, { name: 'a', image: 'a:1', imagePullPolicy: 'Always' }] } };
    expect(templateEdits(['t'], declared, live, wanted)).toEqual([
      { op: 'set', path: ['t', 'spec', 'hostname'], value: 'h' },
      { op: 'set', path: ['t', 'spec', 'containers', 0, 'image'], value: 'a:1' },
      { op: 'set', path: ['t', 'spec', 'containers', 0, 'imagePullPolicy'], value: 'Always' },
      { op: 'delete', path: ['t', 'spec', 'containers', 0, 'args'] },
    ]);
  });

  it('adds and removes named list items', () => {
    const declared = { c: [{ name: 'a', x: 1 }, { name: 'gone', x: 2 }, { name: 'b', x: 3 }] };
    const wanted = { c: [{ name: 'a', x: 1 }, { name: 'b', x: 3 }, { name: 'new', x: 4 }] };
    expect(templateEdits([], declared, declared, wanted)).toEqual([
      { op: 'delete', path: ['c', 1] },
      { op: 'append', path: ['c'], value: { name: 'new', x: 4 } },
    ]);
  });
});
