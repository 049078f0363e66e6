import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseKustomization } from '../../../src/gitops/kustomization.js';
import { parseManifests } from '../../../src/gitops/manifests.js';
import { collectSourceFiles } from '../../../src/gitops/source-files.js';
import { CANARY_YAML, PODINFO_YAML } from './fixtures.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function repo(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'pennant-manifests-'));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

async function read(files: Record<string, string>, paths: string[] = ['.'], namespace = 'tenant') {
  const collected = await collectSourceFiles(await repo(files), paths);
  if (collected.problems.length) return { ok: false as const, problems: collected.problems };
  return parseManifests(collected.files, namespace);
}

const names = (result: Awaited<ReturnType<typeof read>>) => (result.ok ? result.manifests.map((m) => `${m.object.kind} ${m.object.metadata.namespace ?? '-'}/${m.object.metadata.name}`) : result.problems);

describe('reading manifests', () => {
  it('reads every document of every *.yaml/*.yml, recursively and sorted, filling in the namespace', async () => {
    const result = await read({
      'apps/podinfo.yaml': PODINFO_YAML,
      'apps/canary.yml': CANARY_YAML,
      'apps/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: { name: extra }\n---\n# only a comment\n',
      'apps/README.md': 'not yaml',
      '.github/workflow.yaml': 'on: push',
      'other/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cm, namespace: elsewhere }\n',
    });
    expect(names(result)).toEqual(['Canary tenant/podinfo', 'Namespace -/extra', 'Deployment tenant/podinfo', 'Service tenant/podinfo', 'ConfigMap elsewhere/cm']);
    if (result.ok) expect(result.manifests.find((m) => m.object.kind === 'Service')).toMatchObject({ file: 'apps/podinfo.yaml', index: 1, line: 32 });
  });

  it('honours a kustomization that lists resources (files and directories) and sets a namespace', async () => {
    const result = await read({
      'deploy/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: team-a\nresources:\n  - podinfo.yaml\n  - canary\n',
      'deploy/podinfo.yaml': PODINFO_YAML.replace('name: podinfo\n  labels', 'name: podinfo\n  namespace: overridden\n  labels'),
      'deploy/canary/kustomization.yaml': 'resources: [canary.yaml]\n',
      'deploy/canary/canary.yaml': CANARY_YAML,
      'deploy/canary/ignored.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: not-listed }\n',
    }, ['deploy']);
    expect(names(result)).toEqual(['Deployment team-a/podinfo', 'Service team-a/podinfo', 'Canary team-a/podinfo']);
  });

  it.each<[string, Record<string, string>, string[], RegExp]>([
    ['an unsupported kustomize feature', { 'k/kustomization.yaml': 'resources: [a.yaml]\npatches:\n  - path: p.yaml\nimages: []\n', 'k/a.yaml': '' }, ['k'],
      /^k\/kustomization\.yaml:1: kustomize features patches, images are not supported; render your manifests/],
    ['a remote resource', { 'k/kustomization.yaml': 'resources: [github.com/org/repo/deploy?ref=v1]\n' }, ['k'], /remote resource .* is not supported/],
    ['a path outside the repository', { 'a.yaml': '' }, ['../etc'], /is not inside the repository/],
    ['a missing path', { 'a.yaml': '' }, ['nope'], /nope does not exist/],
    ['a YAML syntax error', { 'bad.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x\n' }, ['.'], /^bad\.yaml:\d+: YAML: /],
    ['a document that is not an object', { 'list.yaml': '- a\n- b\n' }, ['.'], /^list\.yaml:1: expected a Kubernetes object/],
    ['a missing name', { 'x.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n' }, ['.'], /^x\.yaml:3: metadata\.name: required/],
    ['an invalid Canary, with file, line and field', { 'c.yaml': CANARY_YAML.replace('stepWeight: 10', 'stepWeight: ten') }, ['.'], /^c\.yaml:11: spec\.analysis\.stepWeight: /],
    ['a Flagger apiVersion', { 'c.yaml': CANARY_YAML.replace('pennant.dev/v1beta1', 'flagger.app/v1beta1') }, ['.'],
      /^c\.yaml:1: apiVersion: must be pennant\.dev\/v1beta1, got "flagger\.app\/v1beta1" \(change apiVersion to pennant\.dev\/v1beta1: /],
    ['a flagger.app/v1alpha1 MetricTemplate', { 'm.yaml': 'apiVersion: flagger.app/v1alpha1\nkind: MetricTemplate\nmetadata: { name: latency }\nspec: { provider: { type: prometheus }, query: up }\n' }, ['.'],
      /^m\.yaml:1: apiVersion: must be pennant\.dev\/v1beta1, got "flagger\.app\/v1alpha1" \(change apiVersion to pennant\.dev\/v1beta1: /],
    ['a flagger.app/v1alpha1 AlertProvider', { 'a.yaml': 'apiVersion: flagger.app/v1alpha1\nkind: AlertProvider\nmetadata: { name: on-call }\nspec: { type: slack, secretRef: { name: slack } }\n' }, ['.'],
      /^a\.yaml:1: apiVersion: must be pennant\.dev\/v1beta1, got "flagger\.app\/v1alpha1" \(change apiVersion to pennant\.dev\/v1beta1: /],
    ['the same object twice', { 'a.yaml': CANARY_YAML, 'b.yaml': CANARY_YAML }, ['.'], /^b\.yaml:1: Canary tenant\/podinfo is also declared in a\.yaml:1/],
  ])('refuses the whole set on %s, naming file and line', async (_name, files, paths, message) => {
    const result = await read({ 'good.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: fine }\n', ...files }, paths);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n')).toMatch(message);
  });

  it("syncs a Canary that validate only warns about (maxWeight with stepWeights): warnings never block a sync", async () => {
    const warned = CANARY_YAML.replace('    stepWeight: 10\n', '    stepWeights: [10, 20, 60]\n');
    expect(names(await read({ 'c.yaml': warned }))).toEqual(['Canary tenant/podinfo']);
  });

  it('does not follow a symbolic link out of the repository', async () => {
    const outside = await repo({ 'secret.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: outside }\n' });
    const root = await repo({ 'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n' });
    await symlink(outside, join(root, 'link'));
    const collected = await collectSourceFiles(root, ['link']);
    expect(collected.problems.map((p) => p.message)).toEqual(['link is not inside the repository']);
  });

  it.each([
    [{ resources: ['a.yaml', 'b/'] }, { ok: true, kustomization: { resources: ['a.yaml', 'b/'] } }],
    [{ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', namespace: 'x' }, { ok: true, kustomization: { resources: [], namespace: 'x' } }],
    [{ resources: ['a.yaml'], commonLabels: { a: 'b' } }, { ok: false, message: expect.stringContaining('kustomize feature commonLabels is not supported') }],
    [{ resources: 'a.yaml' }, { ok: false, message: 'resources must be a list of paths' }],
  ])('parseKustomization(%j)', (value, expected) => {
    expect(parseKustomization(value)).toEqual(expected);
  });
});
