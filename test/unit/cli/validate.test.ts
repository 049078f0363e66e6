import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import { main } from '../../../src/cli/main.js';
import { runValidate } from '../../../src/cli/validate.js';
import {
  exitCodeFor,
  type FileReport,
  formatJson,
  formatSummary,
  formatText,
  summarize,
  validateYamlText,
} from '../../../src/cli/validate-report.js';
import { locate } from '../../../src/cli/yaml-position.js';
import type { IssueAnchor, PathSegment } from '../../../src/api/issues.js';
import { repoRoot } from '../api/flagger-examples.js';

const CANARY = `apiVersion: pennant.dev/v1beta1
kind: Canary
metadata:
  name: podinfo
spec:
  provider: istio
  targetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: podinfo
  service:
    port: 9898
  analysis:
    interval: 1m
    threshold: 5
    stepWeight: 10
`;

const BROKEN = `apiVersion: pennant.dev/v1beta1
kind: Canary
metadata:
  name: podinfo
spec:
  service:
    port: 9898
  analysis:
    interval: 1m
    threshold: 5
    stepweight: 10
    maxWeight: "50%"
`;

describe('locate', () => {
  const text = 'spec:\n  analysis:\n    maxWeight: "50%"\n    metrics:\n      - name: x\n    query:\n';
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });

  it.each<[PathSegment[], IssueAnchor, string]>([
    [['spec', 'analysis', 'maxWeight'], 'value', '3:16'],
    [['spec', 'analysis', 'maxWeight'], 'key', '3:5'],
    [['spec', 'analysis'], 'value', '2:3'],
    [['spec', 'analysis', 'metrics', 0, 'name'], 'value', '5:15'],
    [['spec', 'analysis', 'metrics', 0], 'value', '5:9'],
    [['spec', 'analysis', 'interval'], 'value', '2:3'],
    [['spec', 'analysis', 'query'], 'value', '6:5'],
    [['spec', 'targetRef', 'name'], 'value', '1:1'],
    [['metadata', 'name'], 'value', '1:1'],
  ])('%j (%s) → %s', (at, anchor, expected) => {
    const { line, col } = locate(doc, at, anchor, lines);
    expect(`${line}:${col}`).toBe(expected);
  });
});

describe('validateYamlText', () => {
  it('points at the value, the unknown key, and the parent of a missing field', () => {
    const [doc] = validateYamlText('c.yaml', BROKEN).documents;
    expect(doc?.issues.map((i) => `${i.line}:${i.col} ${i.field}: ${i.message}`)).toEqual([
      '5:1 spec.targetRef: required',
      '11:5 spec.analysis.stepweight: unknown field "stepweight"',
      '12:16 spec.analysis.maxWeight: expected number, got "50%"',
    ]);
  });

  it('validates every document of a multi-document file and ignores empty ones', () => {
    const text = `${CANARY}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n---\n# only a comment\n---\n${BROKEN}`;
    const report = validateYamlText('multi.yaml', text);
    expect(report.documents.map((d) => [d.index, d.line, d.kind, d.status])).toEqual([
      [0, 1, 'Canary', 'valid'],
      [1, 18, 'ConfigMap', 'skipped'],
      [3, 25, 'Canary', 'invalid'],
    ]);
    expect(report.documents[2]?.issues[0]?.line).toBe(29);
  });

  it('reads merge keys as kubectl does', () => {
    const text = CANARY.replace('    interval: 1m\n    threshold: 5\n', '    <<: {interval: 1m, threshold: 5}\n');
    expect(validateYamlText('merge.yaml', text).documents[0]?.status).toBe('valid');
  });

  it('reports YAML syntax errors with their position', () => {
    const report = validateYamlText('bad.yaml', 'a: 1\na: 2\n');
    expect(report.documents[0]?.issues).toEqual([
      expect.objectContaining({ line: 2, col: 1, field: 'yaml', message: 'duplicate key "a": Map keys must be unique', hint: expect.stringContaining('duplicate') }),
    ]);
    expect(report.documents[0]?.status).toBe('invalid');
  });
});

describe('report formatting', () => {
  const reports: FileReport[] = [validateYamlText('ok.yaml', CANARY), validateYamlText('c.yaml', BROKEN)];

  it('prints file:line:col: path: message, then an indented hint, then the summary', () => {
    const lines = formatText(reports).split('\n');
    expect(lines.slice(0, 2)).toEqual([
      'c.yaml:5:1: spec.targetRef: required',
      '  hint: add targetRef: the workload to roll out, e.g. {apiVersion: apps/v1, kind: Deployment, name: podinfo}',
    ]);
    expect(lines).toContain('c.yaml:12:16: spec.analysis.maxWeight: expected number, got "50%"');
    expect(lines).toContain('  hint: write the number without "%": 50');
    expect(lines.at(-2)).toBe('1 document valid, 1 invalid, 0 skipped');
  });

  it('says which documents were skipped', () => {
    const text = formatText([validateYamlText('d.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n')]);
    expect(text).toBe('d.yaml:2:7: skipped: Deployment is not a Pennant kind\n0 documents valid, 0 invalid, 1 skipped\n');
  });

  it('gives machines the same facts as JSON', () => {
    const json = JSON.parse(formatJson(reports)) as { valid: boolean; summary: unknown; files: FileReport[] };
    expect(json.valid).toBe(false);
    expect(json.summary).toEqual({ valid: 1, invalid: 1, skipped: 0, warnings: 0 });
    expect(json.files[1]?.documents[0]?.issues[0]).toEqual({
      severity: 'error', line: 5, col: 1, field: 'spec.targetRef', message: 'required', hint: expect.any(String),
    });
  });

  it.each([
    [{ valid: 3, invalid: 0, skipped: 2, warnings: 0 }, 0, '3 documents valid, 0 invalid, 2 skipped'],
    [{ valid: 0, invalid: 1, skipped: 0, warnings: 0 }, 1, '0 documents valid, 1 invalid, 0 skipped'],
    [{ valid: 0, invalid: 0, skipped: 4, warnings: 0 }, 0, '0 documents valid, 0 invalid, 4 skipped'],
    [{ valid: 1, invalid: 0, skipped: 0, warnings: 2 }, 0, '1 document valid, 0 invalid, 0 skipped, 2 warnings'],
  ])('%j → exit %i', (summary, code, line) => {
    expect(exitCodeFor(summary)).toBe(code);
    expect(formatSummary(summary)).toBe(line);
  });

  it('summarizes across files', () => {
    expect(summarize(reports)).toEqual({ valid: 1, invalid: 1, skipped: 0, warnings: 0 });
  });
});

/** Accepted by Flagger and by Pennant, but the maxWeight is ignored: a warning, not an error. */
const WARNED = CANARY.replace('    stepWeight: 10\n', '    maxWeight: 50\n    stepWeights: [10, 20, 60]\n');
const NO_PROVIDER = CANARY.replace('  provider: istio\n', '').replace('    stepWeight: 10\n', '    stepWeight: 10\n    mirror: true\n');

describe('warnings', () => {
  it('are printed as file:line:col: warning: field: message, with a hint, and keep the document valid', () => {
    const report = validateYamlText('w.yaml', WARNED);
    expect(report.documents[0]?.status).toBe('valid');
    expect(formatText([report])).toBe([
      'w.yaml:16:16: warning: spec.analysis.maxWeight: maxWeight (50) is ignored when stepWeights is set: promotion follows the last step (60)',
      '  hint: remove maxWeight, or make the last step weight 50',
      '1 document valid, 0 invalid, 0 skipped, 1 warning',
      '',
    ].join('\n'));
    expect(exitCodeFor(summarize([report]))).toBe(0);
  });

  it('are in the JSON report with severity warning, which stays valid', () => {
    const json = JSON.parse(formatJson([validateYamlText('w.yaml', WARNED)])) as { valid: boolean; summary: unknown; files: FileReport[] };
    expect(json.valid).toBe(true);
    expect(json.summary).toEqual({ valid: 1, invalid: 0, skipped: 0, warnings: 1 });
    expect(json.files[0]?.documents[0]?.issues[0]).toMatchObject({ severity: 'warning', field: 'spec.analysis.maxWeight' });
  });

  it("judge a Canary without provider by --provider, as the controller's --provider does", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'pennant-validate-provider-')), 'c.yaml');
    writeFileSync(file, NO_PROVIDER);
    const run = async (...flags: string[]) => {
      const out = { stdout: '', code: -1 };
      const io = { stdout: (t: string) => void (out.stdout += t), stderr: () => undefined, setExitCode: (c: number) => void (out.code = c) };
      out.code = await main(['node', 'pennant', 'validate', ...flags, file], io);
      return out;
    };
    expect(await run('--provider', 'istio')).toEqual({ code: 0, stdout: '1 document valid, 0 invalid, 0 skipped\n' });
    const byDefault = await run();
    expect(byDefault.code).toBe(0);
    expect(byDefault.stdout).toContain(`${file}:15:17: warning: spec.analysis.stepWeight: kubernetes cannot split traffic by weight`);
    expect(byDefault.stdout).toContain(`${file}:16:13: warning: spec.analysis.mirror: kubernetes cannot mirror traffic: analysis.mirror is ignored`);
    // As `pennant run --provider knative` would not start, validate refuses the flag (usage error).
    const knative = await run('--provider', 'knative');
    expect(knative.code).toBe(2);
  });
});

describe('pennant validate', () => {
  let dir: string;
  const capture = () => {
    const out = { stdout: '', stderr: '', code: -1 };
    return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t), setExitCode: (c: number) => void (out.code = c) } };
  };

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pennant-validate-'));
    mkdirSync(path.join(dir, 'good', 'nested'), { recursive: true });
    mkdirSync(path.join(dir, 'good', '.hidden'));
    writeFileSync(path.join(dir, 'good', 'canary.yaml'), CANARY);
    writeFileSync(path.join(dir, 'good', 'nested', 'other.yml'), 'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n');
    writeFileSync(path.join(dir, 'good', 'README.md'), '# not yaml');
    writeFileSync(path.join(dir, 'good', '.hidden', 'broken.yaml'), BROKEN);
    writeFileSync(path.join(dir, 'broken.yaml'), BROKEN);
    mkdirSync(path.join(dir, 'empty'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 when every document is valid, walking directories for *.yaml and *.yml', async () => {
    const { out, io } = capture();
    expect(await runValidate([path.join(dir, 'good')], 'text', io)).toBe(0);
    expect(out.stdout).toBe(`${path.join(dir, 'good', 'nested', 'other.yml')}:2:7: skipped: Service is not a Pennant kind\n1 document valid, 0 invalid, 1 skipped\n`);
  });

  it('exits 1 when a document is invalid', async () => {
    const { out, io } = capture();
    expect(await runValidate([path.join(dir, 'broken.yaml')], 'json', io)).toBe(1);
    expect(JSON.parse(out.stdout)).toMatchObject({ valid: false, summary: { invalid: 1 } });
  });

  it.each([
    [['missing.yaml'], 'no such file or directory: '],
    [['empty'], 'no *.yaml or *.yml files in '],
  ])('exits 2 for %j', async ([name], message) => {
    const { out, io } = capture();
    expect(await runValidate([path.join(dir, name as string)], 'text', io)).toBe(2);
    expect(out.stderr).toContain(`pennant validate: ${message}`);
    expect(out.stdout).toBe('');
  });

  it('exits 2 on a bad flag, through main', async () => {
    const { out, io } = capture();
    expect(await main(['node', 'pennant', 'validate', '--output', 'xml', dir], io)).toBe(2);
    expect(out.stderr).toContain('pennant: --output: "xml" is not one of: text, json');
  });

  it('runs as `node bin/pennant.js validate`', async () => {
    const run = promisify(execFile);
    const bin = path.join(repoRoot, 'bin', 'pennant.js');
    const good = await run(process.execPath, [bin, 'validate', path.join(dir, 'good')], { cwd: repoRoot });
    expect(good.stdout).toContain('1 document valid, 0 invalid, 1 skipped');
    const bad = await run(process.execPath, [bin, 'validate', path.join(dir, 'broken.yaml')], { cwd: repoRoot }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: 1, stdout: expect.stringContaining(`${path.join(dir, 'broken.yaml')}:5:1: spec.targetRef: required\n  hint: `) });
  });
});
