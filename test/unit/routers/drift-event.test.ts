import { describe, expect, it } from 'vitest';
import type { EventInput, KubeClient, KubeObject } from '../../../src/kube/types.js';
import { DRIFT_REASON, reportDrift } from '../../../src/routers/drift-event.js';

const recorded: EventInput[] = [];
const kube = { recordEvent: async (e: EventInput) => void recorded.push(e) } as unknown as KubeClient;
const deps = { kube, cache: { get: () => undefined } };

const vs = (metadata: Record<string, unknown>): KubeObject => ({
  apiVersion: 'networking.istio.io/v1beta1',
  kind: 'VirtualService',
  metadata: { name: 'podinfo', namespace: 'test', uid: 'vs-uid', ...metadata },
});

describe('reportDrift', () => {
  it.each<[string, Record<string, unknown>, string, string]>([
    [
      'names the last other writer of managedFields, on the owning Canary',
      {
        ownerReferences: [{ apiVersion: 'pennant.dev/v1beta1', kind: 'Canary', name: 'podinfo', uid: 'c-uid' }],
        managedFields: [
          { manager: 'pennant', operation: 'Apply', time: '2026-01-01T00:00:09Z' },
          { manager: 'kubectl-edit', operation: 'Update', time: '2026-01-01T00:00:01Z' },
          { manager: 'argocd-controller', operation: 'Apply', time: '2026-01-01T00:00:05Z' },
        ],
      },
      'Canary',
      'changed by "argocd-controller"',
    ],
    ['without an owning Canary (a user\'s VirtualService), on the object itself', { managedFields: [{ manager: 'kubectl-edit', operation: 'Update' }] }, 'VirtualService', 'changed by "kubectl-edit"'],
    ['without another writer: the server dropped the field', { managedFields: [{ manager: 'pennant', operation: 'Apply' }] }, 'VirtualService', 'does not keep fields'],
  ])('%s', async (_, metadata, kind, says) => {
    recorded.length = 0;
    await reportDrift(deps, vs(metadata));
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ type: 'Warning', reason: DRIFT_REASON, regarding: { kind, namespace: 'test' } });
    expect(recorded[0]?.message).toContain(says);
    expect(recorded[0]?.message).toContain('VirtualService test/podinfo');
  });

  it('an Event that cannot be recorded is no error', async () => {
    const failing = { kube: { recordEvent: async () => Promise.reject(new Error('forbidden')) } as unknown as KubeClient, cache: deps.cache };
    await expect(reportDrift(failing, vs({}))).resolves.toBeUndefined();
  });
});
