import { describe, expect, it } from 'vitest';
import type { Canary } from '../../../src/api/index.js';
import { buildEventPayload, buildPayload, canaryChecksum, requestBody } from '../../../src/webhooks/index.js';

const canary = (status: Canary['status'] = {}): Canary => ({
  apiVersion: 'pennant.dev/v1beta1',
  kind: 'Canary',
  metadata: { name: 'podinfo', namespace: 'test' },
  spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' }, analysis: {} },
  status,
});

describe('buildPayload', () => {
  it('names the Canary, the phase and a checksum', () => {
    const c = canary({ lastAppliedSpec: 'abc', trackedConfigs: { 'configmap/cfg': '1234' } });
    expect(buildPayload(c, 'Progressing')).toEqual({ name: 'podinfo', namespace: 'test', phase: 'Progressing', checksum: canaryChecksum(c) });
  });
});

describe('canaryChecksum', () => {
  const base = canary({ lastAppliedSpec: 'abc', trackedConfigs: { 'configmap/a': '1', 'secret/b': '2' } });

  it('is stable, whatever the key order', () => {
    const reordered = canary({ trackedConfigs: { 'secret/b': '2', 'configmap/a': '1' }, lastAppliedSpec: 'abc' });
    expect(canaryChecksum(reordered)).toBe(canaryChecksum(base));
    expect(canaryChecksum(base)).toMatch(/^[0-9a-f]{16}$/);
  });

  it.each<[string, Canary['status']]>([
    ['the applied spec', { lastAppliedSpec: 'abd', trackedConfigs: { 'configmap/a': '1', 'secret/b': '2' } }],
    ['a tracked config', { lastAppliedSpec: 'abc', trackedConfigs: { 'configmap/a': '1', 'secret/b': '3' } }],
    ['the set of tracked configs', { lastAppliedSpec: 'abc', trackedConfigs: { 'configmap/a': '1' } }],
  ])('changes with %s', (_case, status) => {
    expect(canaryChecksum(canary(status))).not.toBe(canaryChecksum(base));
  });

  it('ignores other status fields', () => {
    expect(canaryChecksum(canary({ ...base.status, canaryWeight: 30, failedChecks: 2 }))).toBe(canaryChecksum(base));
  });

  it('works without a status', () => {
    expect(canaryChecksum({ ...base, status: undefined })).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('buildEventPayload', () => {
  const now = new Date('2026-01-02T03:04:05.678Z');

  it('puts the event in metadata, with the canary phase', () => {
    const payload = buildEventPayload(canary({ phase: 'Progressing' }), 'Warning', 'Halt advancement', now);
    expect(payload).toMatchObject({
      name: 'podinfo',
      namespace: 'test',
      phase: 'Progressing',
      metadata: { eventMessage: 'Halt advancement', eventType: 'Warning', timestamp: String(now.getTime()) },
    });
    expect(payload.metadata?.timestamp).toBe('1767323045678');
  });

  it('keeps user metadata but does not let it override the event keys', () => {
    const payload = buildEventPayload(canary(), 'Normal', 'Promotion completed', now);
    const sent = JSON.parse(requestBody(payload, { eventType: 'spoofed', timestamp: '0', team: 'web' })) as { metadata: object };
    expect(sent.metadata).toEqual({ team: 'web', eventMessage: 'Promotion completed', eventType: 'Normal', timestamp: '1767323045678' });
  });
});

describe('requestBody', () => {
  const payload = buildPayload(canary(), 'Succeeded');

  it.each<[string, Record<string, string> | undefined, object | undefined]>([
    ['no metadata', undefined, undefined],
    ['empty metadata', {}, undefined],
    ['hook metadata', { type: 'cmd', cmd: 'curl x' }, { type: 'cmd', cmd: 'curl x' }],
  ])('with %s', (_case, metadata, expected) => {
    const sent = JSON.parse(requestBody(payload, metadata)) as Record<string, unknown>;
    expect(sent.metadata).toEqual(expected);
    expect('metadata' in sent).toBe(expected !== undefined);
  });
});
