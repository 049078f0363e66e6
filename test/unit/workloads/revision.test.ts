import { describe, expect, it } from 'vitest';
import { canonicalJson, hashPodTemplate } from '../../../src/workloads/revision.js';

/** A pod template as the API server returns it for the podinfo demo. */
const template = () => ({
  metadata: { labels: { app: 'podinfo' }, annotations: { 'prometheus.io/scrape': 'true' } },
  spec: {
    containers: [
      {
        name: 'podinfo',
        image: 'ghcr.io/stefanprodan/podinfo:6.0.0',
        ports: [{ name: 'http', containerPort: 9898, protocol: 'TCP' }],
        env: [{ name: 'LEVEL', value: 'info' }],
      },
    ],
  },
});

type Template = ReturnType<typeof template>;
const edited = (edit: (t: Template) => unknown): unknown => {
  const t = template();
  const replaced = edit(t);
  return replaced === undefined ? t : replaced;
};
const container0 = (t: Template) => t.spec.containers[0] as Record<string, unknown> & Template['spec']['containers'][number];

describe('hashPodTemplate', () => {
  /*
   * The revision is stored in Canary status (lastAppliedSpec, lastPromotedSpec). If the algorithm
   * (canonical form or hash) changed, every Canary would see a "new revision" after a Pennant upgrade
   * and restart its analysis (or promote nothing and analyse the running version again). These two
   * values are pinned so such a change fails here first; change them only with a migration.
   */
  it('is pinned: the canonical form and the hash of a fixed template never change', () => {
    expect(canonicalJson(template())).toBe(
      '{"metadata":{"annotations":{"prometheus.io/scrape":"true"},"labels":{"app":"podinfo"}},' +
        '"spec":{"containers":[{"env":[{"name":"LEVEL","value":"info"}],"image":"ghcr.io/stefanprodan/podinfo:6.0.0",' +
        '"name":"podinfo","ports":[{"containerPort":9898,"name":"http","protocol":"TCP"}]}]}}',
    );
    // sha256 of the string above, first 16 hex characters.
    expect(hashPodTemplate(template())).toBe('ac68099fa981ffe3');
  });

  it('is 16 lowercase hex characters', () => {
    expect(hashPodTemplate(template())).toMatch(/^[0-9a-f]{16}$/);
  });

  it.each<[string, (t: Template) => unknown]>([
    ['keys in another order', (t) => ({ spec: t.spec, metadata: { annotations: t.metadata.annotations, labels: t.metadata.labels } })],
    ['container keys in another order', (t) => {
      const c = container0(t);
      t.spec.containers = [{ env: c.env, ports: c.ports, image: c.image, name: c.name }];
    }],
    ['a null field', (t) => void Object.assign(t.spec, { nodeSelector: null })],
    ['an undefined field', (t) => void Object.assign(t.spec, { serviceAccountName: undefined })],
    ['an empty map', (t) => void Object.assign(t.spec, { nodeSelector: {} })],
    ['an empty list', (t) => void Object.assign(t.spec, { tolerations: [] })],
    ['an empty list inside a container', (t) => void Object.assign(container0(t), { volumeMounts: [] })],
    ['a map that is empty once its nulls are gone', (t) => void Object.assign(t.spec, { securityContext: { runAsUser: null } })],
    ['empty annotations', (t) => void Object.assign(t.metadata, { annotations: { ...t.metadata.annotations }, finalizers: [] })],
  ])('does not change with %s', (_, edit) => {
    expect(hashPodTemplate(edited(edit))).toBe(hashPodTemplate(template()));
  });

  it.each<[string, (t: Template) => unknown]>([
    ['the image', (t) => void (container0(t).image = 'ghcr.io/stefanprodan/podinfo:6.0.1')],
    ['an env value', (t) => void ((container0(t).env[0] as { value: string }).value = 'debug')],
    ['an added env var', (t) => void container0(t).env.push({ name: 'COLOR', value: 'blue' })],
    ['the order of env vars (lists keep their order)', (t) => void container0(t).env.unshift({ name: 'A', value: '1' })],
    ['a pod annotation (kubectl rollout restart)', (t) => void Object.assign(t.metadata.annotations, { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z' })],
    ['a pod label', (t) => void Object.assign(t.metadata.labels, { version: 'v2' })],
    ['a false boolean that was absent', (t) => void Object.assign(t.spec, { hostNetwork: false })],
    ['a zero that was absent', (t) => void Object.assign(t.spec, { terminationGracePeriodSeconds: 0 })],
    ['a port number', (t) => void ((container0(t).ports[0] as { containerPort: number }).containerPort = 8080)],
  ])('changes with %s', (_, edit) => {
    expect(hashPodTemplate(edited(edit))).not.toBe(hashPodTemplate(template()));
  });

  it('is the same across calls and does not modify its input', () => {
    const t = template();
    const before = JSON.stringify(t);
    expect(hashPodTemplate(t)).toBe(hashPodTemplate(t));
    expect(JSON.stringify(t)).toBe(before);
  });
});

describe('canonicalJson', () => {
  it.each<[string, unknown, string]>([
    ['sorts keys at every depth', { b: 1, a: { d: 1, c: 2 } }, '{"a":{"c":2,"d":1},"b":1}'],
    ['drops null, undefined, {} and []', { a: null, b: undefined, c: {}, d: [], e: 1 }, '{"e":1}'],
    ['keeps false, 0 and ""', { a: false, b: 0, c: '' }, '{"a":false,"b":0,"c":""}'],
    ['keeps list order and list items', [3, 1, { b: 1, a: 2 }], '[3,1,{"a":2,"b":1}]'],
    ['serialises undefined as null', undefined, 'null'],
    ['serialises an empty object as {}', {}, '{}'],
  ])('%s', (_, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });
});
