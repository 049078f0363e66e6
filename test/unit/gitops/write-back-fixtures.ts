import type { Canary } from '../../../src/api/index.js';
import type { PendingWriteBack } from '../../../src/gitops/write-back.js';
import type { KubeObject, ResourceType } from '../../../src/kube/types.js';
import { hashPodTemplate } from '../../../src/workloads/revision.js';
import { canaryOf, deploymentObject, FAULTY, liveTemplate, PROMOTED } from './fixtures.js';

/** What a write-back reads from the cluster: the faulty target, the promoted primary, the Git token. */
export const TOKEN = 'wb-t0ken-s3cret';
export const target = deploymentObject('podinfo', 'tenant', liveTemplate(FAULTY, '0.3'));
export const primary = deploymentObject('podinfo-primary', 'tenant', liveTemplate(PROMOTED, '0', 'podinfo-primary', { 'pennant.dev/revision': 'r' }));
export const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'git', namespace: 'tenant' }, data: { token: Buffer.from(TOKEN).toString('base64') } };
export const cache = {
  get: (type: ResourceType, ns: string, name: string) => [target, primary, secret].find((o) => o.kind === type.kind && o.metadata.namespace === ns && o.metadata.name === name),
};
export const failedCanary = (writeBack: NonNullable<Canary['spec']['writeBack']> = {}) =>
  canaryOf({
    phase: 'Failed',
    lastAppliedSpec: hashPodTemplate((target.spec as { template: unknown }).template),
    checks: [{ name: 'request-success-rate', kind: 'metric', verdict: 'fail', value: 71.2, min: 99, time: 't' }],
  }, writeBack);
export const rollback: PendingWriteBack = { outcome: 'rolledBack', reason: 'failed checks threshold reached 2 (last failing: request-success-rate)', revision: 'r', since: '2026-11-25T10:00:00.000Z', attempts: 0 };
export const promotion: PendingWriteBack = { outcome: 'promoted', reason: 'analysis passed', revision: 'r', since: '2026-11-25T10:05:00.000Z', attempts: 0 };
