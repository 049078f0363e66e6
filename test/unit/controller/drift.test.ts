import { describe, expect, it } from 'vitest';
import { isSubset, needsApply } from '../../../src/kube/drift.js';
import type { KubeObject } from '../../../src/kube/types.js';

const owner = { apiVersion: 'pennant.dev/v1beta1', kind: 'Canary', name: 'podinfo', uid: 'u1', controller: true, blockOwnerDeletion: true };

/** A Service as Pennant declares it. */
const desired = (): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'podinfo', namespace: 'test', labels: { app: 'podinfo' }, annotations: { a: '1' }, ownerReferences: [owner] },
  spec: { type: 'ClusterIP', selector: { app: 'podinfo-primary' }, ports: [{ name: 'http', port: 9898, targetPort: 9898, protocol: 'TCP' }] },
});

/** The same Service as the API server returns it: defaults, status and bookkeeping added. */
const stored = (): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {
    name: 'podinfo',
    namespace: 'test',
    uid: 'abc',
    resourceVersion: '42',
    creationTimestamp: '2026-01-01T00:00:00Z',
    labels: { app: 'podinfo' },
    annotations: { a: '1', 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
    ownerReferences: [owner],
    managedFields: [{ manager: 'pennant', operation: 'Apply' }],
  },
  spec: {
    type: 'ClusterIP',
    clusterIP: '10.0.0.12',
    clusterIPs: ['10.0.0.12'],
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    sessionAffinity: 'None',
    internalTrafficPolicy: 'Cluster',
    selector: { app: 'podinfo-primary' },
    ports: [{ name: 'http', port: 9898, targetPort: 9898, protocol: 'TCP' }],
  },
  status: { loadBalancer: {} },
});

type Edit = (obj: KubeObject & { spec: Record<string, unknown> }) => void;
const spec = (obj: KubeObject) => obj.spec as { selector: Record<string, string>; ports: Record<string, unknown>[]; [k: string]: unknown };

describe('needsApply', () => {
  it('a missing object needs an apply', () => {
    expect(needsApply(desired(), undefined)).toBe(true);
  });

  it('fields the server adds (defaults, status, uid, resourceVersion, managedFields, other annotations) are ignored', () => {
    expect(needsApply(desired(), stored())).toBe(false);
  });

  it.each<[string, Edit, Edit, boolean]>([
    ['a changed label', (d) => void (d.metadata.labels = { app: 'other' }), () => {}, true],
    ['an added label', (d) => void (d.metadata.labels = { app: 'podinfo', team: 'a' }), () => {}, true],
    ['a label someone else added', () => {}, (s) => void (s.metadata.labels = { app: 'podinfo', extra: 'x' }), false],
    ['a label of ours someone removed', () => {}, (s) => void (s.metadata.labels = {}), true],
    ['a changed annotation', (d) => void (d.metadata.annotations = { a: '2' }), () => {}, true],
    ['an owner reference someone removed', () => {}, (s) => void (s.metadata.ownerReferences = []), true],
    ['an owner reference another manager added (owner references merge by uid)', () => {}, (s) => void (s.metadata.ownerReferences = [owner, { ...owner, uid: 'u2' }]), false],
    ['a selector key someone added (a Service selector is one atomic map)', () => {}, (s) => void (spec(s).selector = { app: 'podinfo-primary', tier: 'web' }), true],
    ['a changed selector', (d) => void (spec(d).selector = { app: 'podinfo' }), () => {}, true],
    ['a port added', (d) => void spec(d).ports.push({ name: 'grpc', port: 9999, targetPort: 9999, protocol: 'TCP' }), () => {}, true],
    ['a port another manager added (Service ports merge by port and protocol)', () => {}, (s) => void spec(s).ports.push({ name: 'x', port: 1 }), false],
    ['one of our ports someone removed', (d) => void spec(d).ports.push({ name: 'grpc', port: 9999, protocol: 'TCP' }), () => {}, true],
    ['a port with a server-defaulted field inside the list item', () => {}, (s) => void Object.assign(spec(s).ports[0] ?? {}, { nodePort: 30080 }), false],
    ['the ports in another order (the server keeps its order of keyed lists)', (d) => void spec(d).ports.unshift({ name: 'grpc', port: 9999 }), (s) => void spec(s).ports.push({ name: 'grpc', port: 9999 }), false],
    ['a targetPort number the server returns as a string', () => {}, (s) => void Object.assign(spec(s).ports[0] ?? {}, { targetPort: '9898' }), false],
    ['a changed targetPort', (d) => void Object.assign(spec(d).ports[0] ?? {}, { targetPort: 8080 }), () => {}, true],
    ['a field we set to undefined', (d) => void (spec(d).clusterIP = undefined), () => {}, false],
    ['a field we add', (d) => void (spec(d).trafficDistribution = 'PreferClose'), () => {}, true],
    ['a status we do not declare', () => {}, (s) => void (s.status = { conditions: [{ type: 'x' }] }), false],
  ])('%s → %s', (_, editDesired, editStored, expected) => {
    const d = desired() as KubeObject & { spec: Record<string, unknown> };
    const s = stored() as KubeObject & { spec: Record<string, unknown> };
    editDesired(d);
    editStored(s);
    expect(needsApply(d, s)).toBe(expected);
  });
});

describe('isSubset', () => {
  it.each<[string, unknown, unknown, boolean]>([
    ['equal scalars', 'a', 'a', true],
    ['different scalars', 'a', 'b', false],
    ['number vs the same number as a string (int-or-string ports)', 8080, '8080', true],
    ['number vs another number as a string', 8080, '8081', false],
    ['string vs number is not the same', '8080', 8080, false],
    ['false vs missing', false, undefined, false],
    ['0 vs missing', 0, undefined, false],
    ['a map with fewer keys', { a: 1 }, { a: 1, b: 2 }, true],
    ['a map with a key the other lacks', { a: 1, c: 3 }, { a: 1 }, false],
    ['an undefined key is no requirement', { a: 1, b: undefined }, { a: 1 }, true],
    ['an empty map is a subset of any map', {}, { a: 1 }, true],
    ['an empty map is not a subset of a list', {}, [], false],
    ['a map is not a subset of null', {}, null, false],
    ['lists of the same length, item by item', [{ a: 1 }, { b: 2 }], [{ a: 1, x: 0 }, { b: 2 }], true],
    ['lists of different lengths', [1, 2], [1, 2, 3], false],
    ['an empty list vs a non-empty one', [], [1], false],
    ['lists in another order', [1, 2], [2, 1], false],
    ['a list is not a subset of a map', [], {}, false],
    ['nested', { spec: { ports: [{ port: 80 }] } }, { spec: { ports: [{ port: 80, protocol: 'TCP' }], type: 'ClusterIP' } }, true],
    ['nested difference', { spec: { ports: [{ port: 80 }] } }, { spec: { ports: [{ port: 81 }] } }, false],
    ['null vs null', null, null, true],
  ])('%s → %s', (_, want, have, expected) => {
    expect(isSubset(want, have)).toBe(expected);
  });
});
