import { parseAllDocuments, stringify } from 'yaml';
import type { Random } from './prng.js';

/** What a mutation did, so a failure names the case and a report can count outcomes by kind. */
export const MUTATION_KINDS = [
  'wrongType', 'missingField', 'hugeNumber', 'unicode', 'deepNesting',
  'duplicateKey', 'aliasBomb', 'truncated', 'hugeDocument',
] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

export type Segment = string | number;

export interface FuzzCase {
  id: string;
  kind: MutationKind;
  /** The field the mutation touched ([] for whole-document mutations). */
  path: Segment[];
  text: string;
  /** Must be refused whatever the schema says (bombs, nesting, size, duplicate keys). */
  mustFail: boolean;
}

const WRONG_VALUES: unknown[] = ['a string', 42, true, ['a', 'list'], { a: 'map' }, null, -1, 0.5];
const HUGE_NUMBERS = ['1e308', '18446744073709551616', '-9223372036854775809', '.inf', '-.inf', '.nan', '99999999999999999999999', '-0'];
const UNICODE = ['名前', '🚀🚀', 'a\u202eb', 'nul\u0000byte', 'ǅ', 'x'.repeat(300), '\ud800', 'zero\u200bwidth', 'Ünïcödé'];
const DEEP_PLACEHOLDER = '__pennant_fuzz_placeholder__';
const TEN_MIB = 10 * 1024 * 1024;

const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

/** Every path to a node of `value` (maps and lists included), parents before children. */
export function allPaths(value: unknown, path: Segment[] = []): Segment[][] {
  if (value === null || typeof value !== 'object') return [path];
  const entries: [Segment, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return [path, ...entries.flatMap(([key, child]) => allPaths(child, [...path, key]))];
}

function setAt(root: unknown, path: readonly Segment[], value: unknown, remove = false): unknown {
  if (path.length === 0) return value;
  const copy: unknown = structuredClone(root);
  let node = copy as Record<Segment, unknown>;
  for (const segment of path.slice(0, -1)) node = node[segment] as Record<Segment, unknown>;
  const last = path[path.length - 1] as Segment;
  if (remove && Array.isArray(node)) node.splice(last as number, 1);
  else if (remove) delete node[last];
  else node[last] = value;
  return copy;
}

/** `[[[…]]]` nested `depth` levels, in flow style so the text stays one line. */
const deepFlow = (depth: number): string => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

/** Nine levels of ten aliases each: 10^9 nodes if expanded, a few hundred bytes as text. */
function aliasBombFlow(): string {
  const levels = ['&l0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]'];
  for (let i = 1; i < 9; i++) levels.push(`&l${i} [${Array.from({ length: 10 }, () => `*l${i - 1}`).join(', ')}]`);
  return `[${levels.join(', ')}]`;
}

function withPlaceholder(object: unknown, path: Segment[], replacement: string): string {
  const text = stringify(setAt(object, path, DEEP_PLACEHOLDER), { lineWidth: 0 });
  return text.replace(DEEP_PLACEHOLDER, replacement);
}

/** A line `key: …` of the text repeated right below itself: the same key twice in one map. */
function duplicateLine(text: string, random: Random): { text: string; path: Segment[] } {
  const lines = text.split('\n');
  const keyed = lines.map((line, i) => [line, i] as const).filter(([line]) => /^\s*[A-Za-z][\w.-]*:/.test(line));
  const [line, at] = pick(random, keyed);
  lines.splice(at + 1, 0, line.replace(/^(\s*)- /, '$1  '));
  return { text: lines.join('\n'), path: [] };
}

type Build = (object: unknown, text: string, random: Random, path: Segment[]) => { text: string; path: Segment[] };

const BUILDERS: Record<MutationKind, Build> = {
  wrongType: (object, _text, random, path) => ({ text: stringify(setAt(object, path, pick(random, WRONG_VALUES))), path }),
  missingField: (object, _text, _random, path) => ({ text: stringify(setAt(object, path, undefined, true)), path }),
  hugeNumber: (object, _text, random, path) => ({ text: withPlaceholder(object, path, pick(random, HUGE_NUMBERS)), path }),
  unicode: (object, _text, random, path) => ({ text: stringify(setAt(object, path, pick(random, UNICODE))), path }),
  deepNesting: (object, _text, random, path) => ({ text: withPlaceholder(object, path, deepFlow(65 + Math.floor(random() * 3000))), path }),
  duplicateKey: (_object, text, random) => duplicateLine(text, random),
  aliasBomb: (object, _text, _random, path) => ({ text: withPlaceholder(object, path, aliasBombFlow()), path }),
  truncated: (_object, text, random) => ({ text: text.slice(0, Math.floor(random() * text.length)), path: [] }),
  hugeDocument: (object, _text, random) => {
    const filler = random() < 0.5 ? JSON.stringify('x'.repeat(TEN_MIB)) : `[${Array.from({ length: TEN_MIB / 1024 }, () => JSON.stringify('y'.repeat(1020))).join(',')}]`;
    return { text: withPlaceholder(object, ['metadata', 'annotations'], `{fuzz: ${filler}}`), path: [] };
  },
};

const MUST_FAIL = new Set<MutationKind>(['deepNesting', 'duplicateKey', 'aliasBomb', 'hugeDocument']);

/** The mutation kinds drawn for case `i`: a ten-MiB document once in a hundred cases (they cost a second each). */
function kindFor(random: Random, i: number): MutationKind {
  if (i % 100 === 99) return 'hugeDocument';
  return pick(random, MUTATION_KINDS.filter((kind) => kind !== 'hugeDocument'));
}

/** `count` mutations of `bases` (one YAML document each), all drawn from one seed. */
export function fuzzCases(bases: readonly { name: string; text: string }[], count: number, random: Random): FuzzCase[] {
  return Array.from({ length: count }, (_, i) => {
    const base = pick(random, bases);
    const object: unknown = parseAllDocuments(base.text)[0]?.toJS();
    const kind = kindFor(random, i);
    const paths = allPaths(object).filter((p) => p.length > 0 && (kind !== 'hugeNumber' || p.length > 1));
    const built = BUILDERS[kind](object, base.text, random, pick(random, paths));
    return { id: `#${i} ${kind} ${base.name} ${built.path.join('.')}`, kind, path: built.path, text: built.text, mustFail: MUST_FAIL.has(kind) };
  });
}
