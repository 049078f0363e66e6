import { Writable } from 'node:stream';
import type { Canary } from '../../../src/api/index.js';
import { createLogger } from '../../../src/controller/logger.js';
import type { KubeObject } from '../../../src/kube/types.js';
import type { AlertMessage, CanaryAlert, Destination, Notification } from '../../../src/notify/index.js';
import type { ObjectReader } from '../../../src/workloads/types.js';

export function canaryWith(alerts?: CanaryAlert[], namespace = 'test'): Canary {
  return {
    apiVersion: 'pennant.dev/v1beta1',
    kind: 'Canary',
    metadata: { name: 'podinfo', namespace },
    spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' }, analysis: alerts ? { alerts } : {} },
  };
}

export const FIELDS = { Target: 'Deployment/podinfo.test', 'Failed checks threshold': '5' };

export function notification(severity: Notification['severity'] = 'info', canary: Canary = canaryWith()): Notification {
  return { canary, severity, message: 'New revision detected, progressing canary analysis.', fields: { ...FIELDS } };
}

export const message = (severity: AlertMessage['severity'] = 'info'): AlertMessage => ({
  name: 'podinfo', namespace: 'test', severity, message: 'New revision detected, progressing canary analysis.', fields: { ...FIELDS }, details: { failingChecks: [], images: [] }, timestamp: new Date('2025-01-02T03:04:05.000Z'),
});

export const destination = (address: string, extra: Partial<Destination> = {}): Destination => ({
  label: 'slack AlertProvider test/on-call', address, channel: 'general', username: 'pennant', ...extra,
});

export function alertProviderObject(name: string, spec: Record<string, unknown>, namespace = 'test'): KubeObject {
  return { apiVersion: 'pennant.dev/v1beta1', kind: 'AlertProvider', metadata: { name, namespace }, spec } as KubeObject;
}

export function secretObject(name: string, data: Record<string, string>, namespace = 'test'): KubeObject {
  const encoded = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, data: encoded } as KubeObject;
}

/** An ObjectReader over a fixed list of objects, like the informer cache. */
export function readerOf(...objects: KubeObject[]): ObjectReader & { objects: KubeObject[] } {
  return {
    objects,
    get: (type, namespace, name) =>
      objects.find((o) => o.kind === type.kind && o.apiVersion === type.apiVersion && o.metadata.namespace === namespace && o.metadata.name === name),
  };
}

/** A real Pennant logger (with its redaction) writing JSON lines into memory. */
export function capturedLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
      done();
    },
  });
  const logger = createLogger('debug', stream);
  return { logger, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}
