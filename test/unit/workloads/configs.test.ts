import { describe, expect, it } from 'vitest';
import {
  type ConfigRef, configChecksum, configRefs, isTrackedSecret, isTrackingDisabled, renameConfigRefs,
} from '../../../src/workloads/configs.js';
import type { ConfigMap, Secret } from '../../../src/workloads/k8s-types.js';

const cm = (name: string, optional = false): ConfigRef => ({ kind: 'configmap', name, optional });
const sec = (name: string, optional = false): ConfigRef => ({ kind: 'secret', name, optional });
const byKey = (refs: ConfigRef[]) => [...refs].sort((a, b) => `${a.kind}/${a.name}`.localeCompare(`${b.kind}/${b.name}`));

/** One pod spec using every place a ConfigMap or Secret can be named. */
const everyPlace = () => ({
  volumes: [
    { name: 'v1', configMap: { name: 'cm-volume' } },
    { name: 'v2', secret: { secretName: 'secret-volume' } },
    {
      name: 'v3',
      projected: { sources: [{ configMap: { name: 'cm-projected' } }, { secret: { name: 'secret-projected' } }, { downwardAPI: { items: [] } }] },
    },
    { name: 'v4', emptyDir: {} },
  ],
  initContainers: [
    { name: 'init', env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cm-init-env', key: 'a' } } }], envFrom: [{ secretRef: { name: 'secret-init-envfrom' } }] },
  ],
  containers: [
    {
      name: 'app',
      env: [
        { name: 'PLAIN', value: 'x' },
        { name: 'B', valueFrom: { configMapKeyRef: { name: 'cm-env', key: 'b' } } },
        { name: 'C', valueFrom: { secretKeyRef: { name: 'secret-env', key: 'c' } } },
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      ],
      envFrom: [{ configMapRef: { name: 'cm-envfrom' } }, { secretRef: { name: 'secret-envfrom' } }],
    },
  ],
});

describe('configRefs', () => {
  it.each<[string, unknown, ConfigRef[]]>([
    ['configMap volume', { volumes: [{ name: 'v', configMap: { name: 'a' } }] }, [cm('a')]],
    ['secret volume (secretName)', { volumes: [{ name: 'v', secret: { secretName: 'a' } }] }, [sec('a')]],
    ['projected configMap and secret (name)', { volumes: [{ name: 'v', projected: { sources: [{ configMap: { name: 'a' } }, { secret: { name: 'b' } }] } }] }, [cm('a'), sec('b')]],
    ['env valueFrom configMapKeyRef', { containers: [{ env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'a', key: 'k' } } }] }] }, [cm('a')]],
    ['env valueFrom secretKeyRef', { containers: [{ env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'a', key: 'k' } } }] }] }, [sec('a')]],
    ['envFrom configMapRef and secretRef', { containers: [{ envFrom: [{ configMapRef: { name: 'a' } }, { secretRef: { name: 'b' } }] }] }, [cm('a'), sec('b')]],
    ['initContainers env and envFrom', { initContainers: [{ env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'a', key: 'k' } } }], envFrom: [{ configMapRef: { name: 'b' } }] }] }, [sec('a'), cm('b')]],
    ['optional volume', { volumes: [{ name: 'v', configMap: { name: 'a', optional: true } }] }, [cm('a', true)]],
    ['optional secretKeyRef', { containers: [{ env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'a', key: 'k', optional: true } } }] }] }, [sec('a', true)]],
    ['optional envFrom', { containers: [{ envFrom: [{ configMapRef: { name: 'a', optional: true } }] }] }, [cm('a', true)]],
    ['optional: false is required', { volumes: [{ name: 'v', configMap: { name: 'a', optional: false } }] }, [cm('a')]],
    ['the same ConfigMap twice is one ref', { volumes: [{ name: 'v', configMap: { name: 'a' } }], containers: [{ envFrom: [{ configMapRef: { name: 'a' } }] }] }, [cm('a')]],
    ['optional in one place, required in another: required', { volumes: [{ name: 'v', configMap: { name: 'a', optional: true } }], containers: [{ envFrom: [{ configMapRef: { name: 'a' } }] }] }, [cm('a')]],
    ['required in one place, optional in a later one: required', { volumes: [{ name: 'v', configMap: { name: 'a' } }], containers: [{ envFrom: [{ configMapRef: { name: 'a', optional: true } }] }] }, [cm('a')]],
    ['optional everywhere: optional', { volumes: [{ name: 'v', configMap: { name: 'a', optional: true } }], containers: [{ envFrom: [{ configMapRef: { name: 'a', optional: true } }] }] }, [cm('a', true)]],
    ['a ConfigMap and a Secret of the same name are two refs', { volumes: [{ name: 'v', configMap: { name: 'a' } }, { name: 'w', secret: { secretName: 'a' } }] }, [cm('a'), sec('a')]],
    ['plain env, fieldRef, emptyDir: none', { volumes: [{ name: 'v', emptyDir: {} }], containers: [{ env: [{ name: 'X', value: 'y' }, { name: 'P', valueFrom: { fieldRef: { fieldPath: 'x' } } }] }] }, []],
    ['a ref without a name is ignored', { volumes: [{ name: 'v', configMap: {} }, { name: 'w', secret: { secretName: '' } }] }, []],
    ['not a pod spec', 'nonsense', []],
    ['undefined', undefined, []],
  ])('%s', (_, podSpec, expected) => {
    expect(byKey(configRefs(podSpec))).toEqual(byKey(expected));
  });

  it('finds every place in one pod spec', () => {
    expect(byKey(configRefs(everyPlace()))).toEqual(byKey([
      cm('cm-volume'), sec('secret-volume'), cm('cm-projected'), sec('secret-projected'), cm('cm-init-env'),
      sec('secret-init-envfrom'), cm('cm-env'), sec('secret-env'), cm('cm-envfrom'), sec('secret-envfrom'),
    ]));
  });
});

describe('renameConfigRefs', () => {
  const everyName = [
    'configmap/cm-volume', 'secret/secret-volume', 'configmap/cm-projected', 'secret/secret-projected', 'configmap/cm-init-env',
    'secret/secret-init-envfrom', 'configmap/cm-env', 'secret/secret-env', 'configmap/cm-envfrom', 'secret/secret-envfrom',
  ];

  it('renames every tracked reference in every place to its -primary copy', () => {
    const renamed = renameConfigRefs(everyPlace(), new Set(everyName));
    expect(byKey(configRefs(renamed)).map((r) => r.name)).toEqual(byKey(configRefs(everyPlace())).map((r) => `${r.name}-primary`));
  });

  it.each<[string, string[], string[]]>([
    ['nothing tracked: nothing renamed', [], []],
    ['only the tracked ConfigMap', ['configmap/cm-env'], ['cm-env']],
    ['kind matters: secret/cm-env renames nothing', ['secret/cm-env'], []],
    ['a projected secret only', ['secret/secret-projected'], ['secret-projected']],
    ['an init container envFrom only', ['secret/secret-init-envfrom'], ['secret-init-envfrom']],
  ])('%s', (_, tracked, expectedRenamed) => {
    const before = configRefs(everyPlace()).map((r) => r.name);
    const after = configRefs(renameConfigRefs(everyPlace(), new Set(tracked))).map((r) => r.name);
    const renamed = before.filter((name, i) => after[i] !== name);
    expect(renamed.sort()).toEqual([...expectedRenamed].sort());
    for (const name of renamed) expect(after).toContain(`${name}-primary`);
  });

  it('keeps everything else of the pod spec and leaves its input alone', () => {
    const input = everyPlace();
    const snapshot = structuredClone(input);
    const renamed = renameConfigRefs(input, new Set(['configmap/cm-env'])) as ReturnType<typeof everyPlace>;
    expect(input).toEqual(snapshot);
    expect(renamed.containers[0]?.env[1]).toEqual({ name: 'B', valueFrom: { configMapKeyRef: { name: 'cm-env-primary', key: 'b' } } });
    expect(renamed.volumes[0]).toEqual(snapshot.volumes[0]);
    expect(renamed.containers[0]?.env[0]).toEqual({ name: 'PLAIN', value: 'x' });
  });

  it('keeps the optional flag on a renamed reference', () => {
    const spec = { volumes: [{ name: 'v', configMap: { name: 'a', optional: true } }] };
    expect(renameConfigRefs(spec, new Set(['configmap/a']))).toEqual({ volumes: [{ name: 'v', configMap: { name: 'a-primary', optional: true } }] });
  });
});

describe('isTrackingDisabled', () => {
  it.each<[string, Record<string, string> | undefined, boolean]>([
    ['no annotations', undefined, false],
    ['unrelated annotations', { 'other/x': 'disabled' }, false],
    ['pennant.dev/config-tracking: disabled', { 'pennant.dev/config-tracking': 'disabled' }, true],
    ['flagger.app/config-tracking: disabled (migrated manifests)', { 'flagger.app/config-tracking': 'disabled' }, true],
    ['any value starting with "disable"', { 'flagger.app/config-tracking': 'disable' }, true],
    ['"disableForNow" starts with "disable"', { 'pennant.dev/config-tracking': 'disableForNow' }, true],
    ['enabled', { 'pennant.dev/config-tracking': 'enabled' }, false],
    ['"Disabled" (case matters, as in Flagger)', { 'pennant.dev/config-tracking': 'Disabled' }, false],
    ['one of the two disables', { 'pennant.dev/config-tracking': 'enabled', 'flagger.app/config-tracking': 'disabled' }, true],
  ])('%s → %s', (_, annotations, expected) => {
    expect(isTrackingDisabled(annotations)).toBe(expected);
  });
});

describe('isTrackedSecret', () => {
  const secretOf = (type: string | undefined): Secret => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, ...(type ? { type } : {}) });
  it.each<[string | undefined, boolean]>([
    [undefined, true],
    ['Opaque', true],
    ['kubernetes.io/basic-auth', true],
    ['kubernetes.io/ssh-auth', true],
    ['kubernetes.io/tls', true],
    ['kubernetes.io/dockerconfigjson', false],
    ['kubernetes.io/dockercfg', false],
    ['kubernetes.io/service-account-token', false],
    ['bootstrap.kubernetes.io/token', false],
    ['example.com/custom', false],
  ])('type %s → tracked %s', (type, expected) => {
    expect(isTrackedSecret(secretOf(type))).toBe(expected);
  });
});

describe('configChecksum', () => {
  const configMapOf = (data?: Record<string, string>, binaryData?: Record<string, string>, extra: Partial<ConfigMap> = {}): ConfigMap => ({
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'test' }, ...(data ? { data } : {}), ...(binaryData ? { binaryData } : {}), ...extra,
  });
  const base = configMapOf({ a: '1', b: '2' });

  it('is 16 hex characters', () => {
    expect(configChecksum(base)).toMatch(/^[0-9a-f]{16}$/);
  });

  it.each<[string, ConfigMap]>([
    ['keys in another order', configMapOf({ b: '2', a: '1' })],
    ['other metadata (labels, annotations, resourceVersion)', configMapOf({ a: '1', b: '2' }, undefined, { metadata: { name: 'other', labels: { x: 'y' }, annotations: { z: 'w' }, resourceVersion: '42' } })],
    ['an empty binaryData', configMapOf({ a: '1', b: '2' }, {})],
  ])('is the same with %s', (_, other) => {
    expect(configChecksum(other)).toBe(configChecksum(base));
  });

  it.each<[string, ConfigMap]>([
    ['a changed value', configMapOf({ a: '1', b: '3' })],
    ['an added key', configMapOf({ a: '1', b: '2', c: '' })],
    ['a removed key', configMapOf({ a: '1' })],
    ['binaryData', configMapOf({ a: '1', b: '2' }, { bin: 'AAE=' })],
  ])('changes with %s', (_, other) => {
    expect(configChecksum(other)).not.toBe(configChecksum(base));
  });

  it('covers Secret data', () => {
    const secretOf = (data: Record<string, string>): Secret => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'Opaque', data });
    expect(configChecksum(secretOf({ password: 'YQ==' }))).toBe(configChecksum(secretOf({ password: 'YQ==' })));
    expect(configChecksum(secretOf({ password: 'YQ==' }))).not.toBe(configChecksum(secretOf({ password: 'Yg==' })));
  });
});
