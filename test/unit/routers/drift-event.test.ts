import { describe, expect, it } from 'vitest';
import type { EventInput, KubeClient, KubeObject } from '../../../src/kube/types.js';
import { DRIFT_REASON, reportDrift } from '../../../src/routers/drift-event.js';

const recorded: EventInput[] = [];
const kube = { recordEvent: async (e: EventInput) => void recorded.push(e) } as unknown as KubeClient;
const deps = { kube, cache: { get: () => undefined } };

const vs = (gateways: string[], metadata: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'networking.istio.io/v1beta1',
  kind: 'VirtualService',
  metadata: { name: 'podinfo', namespace: 'test', uid: 'vs-uid', ...metadata },
  spec: { gateways },
});
const desired = vs(['istio-system/public-gateway']);
const canaryOwner = { ownerReferences: [{ apiVersion: 'pennant.dev/v1beta1', kind: 'Canary', name: 'podinfo', uid: 'c-uid' }] };
const at = (s: number) => `2026-01-01T00:00:0${s}Z`;

describe('reportDrift', () => {
  it.each<[string, Record<string, unknown>, string, string]>([
    [
      'names the manager that owns a field Pennant set back, on the owning Canary (not just the latest writer)',
      {
        ...canaryOwner,
        managedFields: [
          { manager: 'pennant', operation: 'Apply', time: at(9), fieldsV1: { 'f:spec': { 'f:http': {} } } },
          { manager: 'kubectl-edit', operation: 'Update', time: at(1), fieldsV1: { 'f:spec': { 'f:gateways': {} } } },
          { manager: 'argocd-controller', operation: 'Apply', time: at(5), fieldsV1: { 'f:metadata': { 'f:labels': { 'f:team': {} } } } },
        ],
      },
      'Canary',
      'changed by "kubectl-edit"',
    ],
    [
      'without an owning Canary (a user\'s VirtualService), on the object itself; without fieldsV1, the latest other writer',
      { managedFields: [{ manager: 'kubectl-create', operation: 'Update', time: at(1) }, { manager: 'flux', operation: 'Apply', time: at(3) }] },
      'VirtualService',
      'changed by "flux"',
    ],
    ['without another writer: the server dropped the field', { managedFields: [{ manager: 'pennant', operation: 'Apply' }] }, 'VirtualService', 'does not keep fields'],
  ])('%s', async (_, metadata, kind, says) => {
    recorded.length = 0;
    await reportDrift(deps, desired, vs(['mesh'], metadata));
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ type: 'Warning', reason: DRIFT_REASON, regarding: { kind, namespace: 'test' } });
    expect(recorded[0]?.message).toContain(says);
    expect(recorded[0]?.message).toContain('VirtualService test/podinfo');
  });

  it('an Event that cannot be recorded is no error', async () => {
    const failing = { kube: { recordEvent: async () => Promise.reject(new Error('forbidden')) } as unknown as KubeClient, cache: deps.cache };
    await expect(reportDrift(failing, desired, vs(['mesh']))).resolves.toBeUndefined();
  });
});
