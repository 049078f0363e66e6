import { describe, expect, it } from 'vitest';
import { validateManifest } from '../../../src/api/index.js';
import { parseControllerConfig } from '../../../src/controller/config.js';

describe('GitOps flags of pennant run', () => {
  it.each<[string, Record<string, unknown>, Record<string, string>, { gitopsCacheDir?: string; gitopsAllowControllerIdentity?: boolean }]>([
    ['defaults (cache in $TMPDIR/pennant-git, controller identity refused)', {}, {}, {}],
    ['flags', { gitopsCacheDir: '/var/cache/pennant', gitopsAllowControllerIdentity: true }, {}, { gitopsCacheDir: '/var/cache/pennant', gitopsAllowControllerIdentity: true }],
    ['environment', {}, { PENNANT_GITOPS_CACHE_DIR: '/c', PENNANT_GITOPS_ALLOW_CONTROLLER_IDENTITY: 'true' }, { gitopsCacheDir: '/c', gitopsAllowControllerIdentity: true }],
  ])('%s', (_name, flags, env, expected) => {
    const config = parseControllerConfig(flags, env);
    expect({ gitopsCacheDir: config.gitopsCacheDir, gitopsAllowControllerIdentity: config.gitopsAllowControllerIdentity }).toEqual({ gitopsCacheDir: undefined, gitopsAllowControllerIdentity: undefined, ...expected });
  });
});

describe('pennant validate knows GitSource', () => {
  const source = (spec: Record<string, unknown>) => ({ apiVersion: 'pennant.dev/v1beta1', kind: 'GitSource', metadata: { name: 'apps', namespace: 't' }, spec: { url: 'https://git.example/apps.git', ...spec } });
  const errors = (doc: unknown) => validateManifest(doc).filter((i) => i.severity === 'error').map((i) => `${i.path.join('.')}: ${i.message}`);

  it.each<[string, Record<string, unknown>, string[]]>([
    ['a complete GitSource', { ref: { branch: 'main' }, paths: ['apps', './infra'], interval: '1m', serviceAccountName: 'deployer', webhook: { secretRef: { name: 'hook' } }, writeBack: { author: { name: 'Bot', email: 'bot@x' } } }, []],
    ['two refs', { ref: { branch: 'main', tag: 'v1' } }, ['spec.ref.tag: branch and tag are both set; set one of branch, tag or commit']],
    ['a path out of the repository', { paths: ['../other'] }, ['spec.paths.0: must be a path inside the repository, got "../other"']],
    ['an absolute path', { paths: ['/etc'] }, ['spec.paths.0: must be a path inside the repository, got "/etc"']],
    ['a bad interval', { interval: 'often' }, [expect.stringMatching(/^spec\.interval: /) as unknown as string]],
    ['an unknown field', { branch: 'main' }, [expect.stringMatching(/^spec\.branch: /) as unknown as string]],
  ])('%s', (_name, spec, expected) => {
    expect(errors(source(spec))).toEqual(expected);
  });
});
