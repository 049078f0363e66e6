import { afterAll, describe, expect, it } from 'vitest';
import { formatPath } from '../../../src/api/index.js';
import { validateYamlText } from '../../../src/cli/validate-report.js';
import { parseManifests } from '../../../src/gitops/manifests.js';
import { type FuzzCase, fuzzCases } from '../../harness/manifest-fuzz.js';
import { seededRandom } from '../../harness/prng.js';
import { MISSING_EXAMPLES } from '../api/flagger-examples.js';
import { fuzzBases, namesField } from './bases.js';

// Full run (docs/reliability.md): PENNANT_FUZZ_CASES=500; another seed: PENNANT_FUZZ_SEED=7 npx vitest run --config vitest.unit.config.ts test/unit/fuzz
const CASES = Number(process.env.PENNANT_FUZZ_CASES ?? 200);
const SEED = Number(process.env.PENNANT_FUZZ_SEED ?? 1);
const CHUNK = 50;
/** An error on the mutated path, above it or below it, names the field; [] is the whole document. */
const related = (field: string, path: readonly (string | number)[]): boolean => path.length === 0 || namesField(field, formatPath(path));

/** Mutations that remove or retype the whole document are answered at the document level. */
const DOCUMENT_LEVEL = new Set(['aliasBomb', 'hugeDocument', 'truncated', 'duplicateKey']);
/** Cases refused (rightly) by each path, for the figures in docs/reliability.md. */
const refused = { validate: 0, sync: 0 };

function checkValidate(c: FuzzCase): string | undefined {
  const reports = validateYamlText('fuzz.yaml', c.text).documents;
  const issues = reports.flatMap((doc) => doc.issues);
  if (issues.some((issue) => !issue.field || !issue.message || !(issue.line >= 1))) return 'an issue without field, message or line';
  const errors = issues.filter((issue) => issue.severity === 'error');
  if (errors.length > 0) refused.validate++;
  if (c.mustFail && errors.length === 0) return 'accepted';
  if (errors.length > 0 && !DOCUMENT_LEVEL.has(c.kind) && !errors.some((e) => related(e.field, c.path))) {
    return `no error names ${formatPath(c.path)}: ${errors.map((e) => e.field).join(', ')}`;
  }
  return undefined;
}

function checkSync(c: FuzzCase): string | undefined {
  const result = parseManifests([{ path: 'apps/fuzz.yaml', text: c.text }], 'tenant-a');
  if (result.ok) return c.mustFail ? 'accepted' : undefined;
  refused.sync++;
  if (result.problems.some((p) => !p.message || !(p.line >= 1) || p.file !== 'apps/fuzz.yaml')) return 'a problem without message, line or file';
  const fields = result.problems.map((p) => p.message.split(': ')[0] ?? '');
  if (!DOCUMENT_LEVEL.has(c.kind) && !fields.some((f) => related(f, c.path))) return `no problem names ${formatPath(c.path)}: ${fields.join(', ')}`;
  return undefined;
}

describe(`${CASES} seeded mutations of Flagger's examples (seed ${SEED})`, () => {
  const found = fuzzBases();
  const cases = fuzzCases(found, CASES, seededRandom(SEED));
  const chunks = Array.from({ length: Math.ceil(cases.length / CHUNK) }, (_, i) => cases.slice(i * CHUNK, (i + 1) * CHUNK));

  afterAll(() => {
    process.stderr.write(`manifest fuzz: ${cases.length} cases, refused by pennant validate ${refused.validate}, by GitSource parsing ${refused.sync}, the rest accepted\n`);
  });

  it('has bases to mutate', () => {
    expect(found.length, MISSING_EXAMPLES).toBeGreaterThan(20);
  });

  // each chunk is bounded by the tier's test timeout: a hang fails it, it never blocks the run
  it.each(chunks.map((chunk, i) => [i * CHUNK, chunk] as const))('cases from %i: pennant validate answers each with an error naming the field, never a crash', (_, chunk) => {
    const failures = chunk.flatMap((c) => {
      const why = checkValidate(c);
      return why ? [`${c.id}: ${why}`] : [];
    });
    expect(failures).toEqual([]);
  });

  it.each(chunks.map((chunk, i) => [i * CHUNK, chunk] as const))('cases from %i: GitSource manifest parsing refuses each with a problem naming the field, never a crash', (_, chunk) => {
    const failures = chunk.flatMap((c) => {
      const why = checkSync(c);
      return why ? [`${c.id}: ${why}`] : [];
    });
    expect(failures).toEqual([]);
  });
});
