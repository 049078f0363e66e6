import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../../src/cli/io.js';
import { main } from '../../../src/cli/main.js';
import { migrateText, PROVIDER_NOTE } from '../../../src/cli/migrate-yaml.js';
import { validateYamlText } from '../../../src/cli/validate-report.js';
import { loadExamples, meshProviderOf, MISSING_EXAMPLES } from '../api/flagger-examples.js';
import { REFUSED } from '../api/flagger-refusals.js';

const examples = [
  ...loadExamples('complete').map((e) => ({ set: 'complete' as const, ...e })),
  ...loadExamples('e2e').map((e) => ({ set: 'e2e' as const, ...e })),
];

const API_VERSION_LINE = /^\s*apiVersion:/;
const withoutApiVersions = (text: string): string[] => text.split('\n').filter((line) => !API_VERSION_LINE.test(line));

describe("pennant migrate on every vendored Flagger manifest (docs and e2e)", () => {
  it('has manifests to migrate', () => {
    expect(examples.length, MISSING_EXAMPLES).toBeGreaterThan(50);
  });

  it.each(examples)('$set/$file: only apiVersion lines change, comments kept; the result validates or is refused as the controller refuses it', ({ set, file, original }) => {
    const migrated = migrateText(original);
    expect(migrated.changes.length).toBeGreaterThan(0);
    expect(withoutApiVersions(migrated.text)).toEqual(withoutApiVersions(original));
    expect(migrated.text.split('\n').map((line) => line.trim())).toContain('apiVersion: pennant.dev/v1beta1');
    expect(migrated.text).not.toMatch(/^\s*apiVersion: flagger\.app\//m);
    const report = validateYamlText(file, migrated.text, { defaultProvider: meshProviderOf(set, file) });
    const errors = report.documents.flatMap((d) => d.issues.filter((i) => i.severity === 'error').map((i) => `${i.field}: ${i.message}`));
    expect(errors).toEqual(REFUSED[file] ?? []);
  });
});

const BY_HAND = `# podinfo's rollout, as we ran it with Flagger 0.x
apiVersion: apps/v1
kind: Deployment   # untouched
metadata: { name: podinfo }
---
apiVersion: "flagger.app/v1alpha3"   # quoted, with a comment
kind: Canary
metadata:
  name: podinfo
spec:
  provider: istio
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
  service:
    port: 9898

  canaryAnalysis:       # renamed analysis in v1beta1
    interval: 1m
    threshold: 5
    stepWeight: 10
---
apiVersion: flagger.app/v1beta1
kind: MetricTemplate
metadata:
  name: latency
spec:
  provider: {type: prometheus, address: 'http://prometheus:9090'}
  query: |
    histogram_quantile(0.99, sum(rate(x[{{ interval }}])) by (le))
---
apiVersion: flagger.app/v1beta1
kind: Bogus
metadata: { name: x }
`;

describe('migrateText', () => {
  it('keeps quoting, comments, flow maps, blank lines and other documents; renames v1alpha canaryAnalysis', () => {
    const { text, changes, unknown } = migrateText(BY_HAND);
    expect(text).toBe(BY_HAND
      .replace('apiVersion: "flagger.app/v1alpha3"', 'apiVersion: "pennant.dev/v1beta1"')
      .replace('  canaryAnalysis:       #', '  analysis:       #')
      .replace('apiVersion: flagger.app/v1beta1\nkind: MetricTemplate', 'apiVersion: pennant.dev/v1beta1\nkind: MetricTemplate'));
    expect(changes.map((c) => [c.kind, c.from, c.line, c.renamed])).toEqual([
      ['Canary', 'flagger.app/v1alpha3', 6, ['spec.canaryAnalysis → spec.analysis']],
      ['MetricTemplate', 'flagger.app/v1beta1', 21, []],
    ]);
    expect(unknown).toEqual([{ index: 3, kind: 'Bogus' }]);
  });

  it('says when a Canary relied on Flagger\'s -mesh-provider', () => {
    const { changes } = migrateText('apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: {name: a}\nspec: {}\n');
    expect(changes[0]?.notes).toEqual([PROVIDER_NOTE]);
  });

  it('leaves Pennant manifests and other kinds alone', () => {
    const text = 'apiVersion: pennant.dev/v1beta1\nkind: Canary\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Service\n';
    expect(migrateText(text)).toEqual({ text, changes: [], unknown: [] });
  });
});

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'pennant', 'migrate', ...args], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

describe('pennant migrate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pennant-migrate-'));
  const canary = 'apiVersion: flagger.app/v1beta1 # from Flagger\nkind: Canary\nmetadata: {name: podinfo}\nspec:\n  provider: istio\n  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}\n  service: {port: 9898}\n  analysis: {interval: 1m, threshold: 5, stepWeight: 10}\n';

  it('prints the migrated file on stdout and leaves the file alone; exit 0', async () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, canary);
    const { code, stdout, stderr } = await run([file]);
    expect(stdout).toBe(canary.replace('flagger.app/v1beta1 #', 'pennant.dev/v1beta1 #'));
    expect(stderr).toBe('migrated 1 document in 1 of 1 file\n');
    expect(readFileSync(file, 'utf8')).toBe(canary);
    expect(code).toBe(EXIT.ok);
  });

  it('--write rewrites in place, and only the files that change', async () => {
    const sub = mkdtempSync(join(dir, 'w-'));
    writeFileSync(join(sub, 'a.yaml'), canary);
    writeFileSync(join(sub, 'b.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n');
    const before = statSync(join(sub, 'b.yaml')).mtimeMs;
    const { code, stdout, stderr } = await run(['--write', sub]);
    expect(stdout).toBe('');
    expect(stderr).toBe('rewrote 1 document in 1 of 2 files\n');
    expect(readFileSync(join(sub, 'a.yaml'), 'utf8')).toContain('apiVersion: pennant.dev/v1beta1 # from Flagger');
    expect(statSync(join(sub, 'b.yaml')).mtimeMs).toBe(before);
    expect(code).toBe(EXIT.ok);
  });

  it('what Pennant refuses is reported as validate says it, with its line; exit 1', async () => {
    const file = join(dir, 'gloo.yaml');
    writeFileSync(file, canary.replace('provider: istio', 'provider: gloo'));
    const { code, stderr } = await run([file]);
    expect(stderr).toBe([
      `${file}:5:13: spec.provider: provider gloo is not supported by this version of Pennant yet (supported: kubernetes, gatewayapi:v1, gatewayapi:v1beta1, istio, nginx, contour, traefik, linkerd, smi:v1alpha1, smi:v1alpha2, smi:v1alpha3)`,
      '  hint: use one of kubernetes, gatewayapi:v1, gatewayapi:v1beta1, istio, nginx, contour, traefik, linkerd, smi:v1alpha1, smi:v1alpha2, smi:v1alpha3, or a Flagger controller for this Canary',
      'migrated 1 document in 1 of 1 file, 1 could not be mapped',
      '',
    ].join('\n'));
    expect(code).toBe(EXIT.failed);
  });

  it('several files on stdout: each under a "# Source:" comment', async () => {
    const sub = mkdtempSync(join(dir, 's-'));
    writeFileSync(join(sub, 'a.yaml'), canary);
    writeFileSync(join(sub, 'b.yaml'), canary.replace('podinfo}', 'other}'));
    const { stdout } = await run([sub]);
    expect(stdout.match(/^# Source: .*$/gm)).toEqual([`# Source: ${join(sub, 'a.yaml')}`, `# Source: ${join(sub, 'b.yaml')}`]);
  });

  it('a path that does not exist is a usage error', async () => {
    const { code, stderr } = await run([join(dir, 'nope.yaml')]);
    expect(stderr).toBe(`pennant migrate: no such file or directory: ${join(dir, 'nope.yaml')}\n`);
    expect(code).toBe(EXIT.usage);
  });
});
