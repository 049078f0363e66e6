import { type Document, isCollection, isMap, isScalar, isSeq, type Node, parseAllDocuments, type Scalar, stringify, type YAMLMap, type YAMLSeq } from 'yaml';
import { deepEqual } from './yaml-values.js';

export type YamlPath = (string | number)[];

/** A change to one document; missing parent maps of a `set` are created. */
export type YamlEdit =
  | { op: 'set'; path: YamlPath; value: unknown }
  | { op: 'delete'; path: YamlPath }
  | { op: 'append'; path: YamlPath; value: unknown };

interface Splice {
  start: number;
  end: number;
  text: string;
}

/**
 * Applies `edits` to document `index` of a multi-document YAML text. The edits are made with yaml's
 * Document API; the text changes only where they land (a scalar keeps its quoting, a new key is
 * inserted in the indentation and style of its map), so comments, key order, formatting and the
 * other documents stay byte for byte. The result is checked against the Document API's own
 * result; an edit that cannot be made in place (block scalars, emptying a map) re-renders that one
 * document instead, still keeping comments, order and quoting.
 */
export function editYamlDocument(text: string, index: number, edits: readonly YamlEdit[]): string {
  if (edits.length === 0) return text;
  const docs = parseAllDocuments(text);
  const doc = docs[index];
  if (!doc) throw new Error(`document ${index} not found`);
  const expected = doc.clone();
  for (const edit of edits) applyToDocument(expected, edit);
  const wanted = docs.map((d, i) => (i === index ? expected.toJS() : d.toJS()) as unknown);
  const splices = edits.map((edit) => spliceFor(doc, text, edit));
  if (splices.every((s): s is Splice => s !== undefined) && !overlapping(splices)) {
    const edited = applySplices(text, splices);
    if (sameDocuments(edited, wanted)) return edited;
  }
  return rerender(text, docs, index, expected);
}

function applyToDocument(doc: Document, edit: YamlEdit): void {
  if (edit.op === 'delete') doc.deleteIn(edit.path);
  else if (edit.op === 'set') doc.setIn(edit.path, doc.createNode(edit.value));
  else (doc.getIn(edit.path, true) as YAMLSeq).add(doc.createNode(edit.value));
}

function spliceFor(doc: Document, text: string, edit: YamlEdit): Splice | undefined {
  if (edit.op === 'append') return appendItem(doc.getIn(edit.path, true), text, edit.value);
  const node = doc.getIn(edit.path, true) as Node | undefined;
  const key = edit.path[edit.path.length - 1];
  const parent = doc.getIn(edit.path.slice(0, -1), true) as Node | undefined;
  if (edit.op === 'delete') return node === undefined ? { start: 0, end: 0, text: '' } : removeEntry(parent, key, text);
  if (node !== undefined) {
    if (isScalar(node) && !isCollectionValue(edit.value)) return replaceScalar(node, edit.value);
    if (isCollection(node) && node.flow && isCollectionValue(edit.value)) return replaceFlow(node, edit.value);
    return replaceEntry(parent, key, edit.value, text);
  }
  return insertMissing(doc, edit.path, edit.value, text);
}

const isCollectionValue = (value: unknown): boolean => value !== null && typeof value === 'object';

function replaceScalar(node: Scalar, value: unknown): Splice | undefined {
  const [start, end] = node.range ?? [];
  if (start === undefined || end === undefined) return undefined;
  const rendered = renderScalar(value, node.type);
  return rendered === undefined ? undefined : { start, end, text: rendered };
}

/** A flow collection stays a flow collection: `[a, b]` becomes `[ c ]`, not a block. */
function replaceFlow(node: Node, value: unknown): Splice | undefined {
  const [start, end] = node.range ?? [];
  if (start === undefined || end === undefined) return undefined;
  return { start, end, text: stringify(value, { collectionStyle: 'flow', lineWidth: 0 }).trim() };
}

/** A scalar in the style the old one had: plain stays plain where it can, quotes stay quotes. */
export function renderScalar(value: unknown, type: Scalar['type']): string | undefined {
  if (typeof value === 'string' && type === 'QUOTE_DOUBLE') return JSON.stringify(value);
  if (typeof value === 'string' && type === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  if (type === 'BLOCK_LITERAL' || type === 'BLOCK_FOLDED') return undefined;
  const plain = stringify(value, { lineWidth: 0 }).trimEnd();
  return plain.includes('\n') ? undefined : plain;
}

/** Replaces a whole `key: value` pair of a block map, or an item of a block sequence. */
function replaceEntry(parent: Node | undefined, key: string | number | undefined, value: unknown, text: string): Splice | undefined {
  const entry = entryRange(parent, key, text);
  if (!entry) return undefined;
  const rendered = isSeq(parent) ? stringify([value], styleOf(text)) : stringify({ [String(key)]: value }, styleOf(text));
  return { ...entry, text: indent(rendered, entry.column) };
}

function removeEntry(parent: Node | undefined, key: string | number | undefined, text: string): Splice | undefined {
  if (!isCollection(parent) || parent.items.length < 2) return undefined;
  const entry = entryRange(parent, key, text);
  return entry && { start: entry.start, end: entry.end, text: '' };
}

/** Whole lines of one entry of a block collection: from its line start through its value's last line. */
function entryRange(parent: Node | undefined, key: string | number | undefined, text: string): { start: number; end: number; column: number } | undefined {
  if (!isCollection(parent) || parent.flow) return undefined;
  let first: Node | undefined;
  let value: Node | undefined;
  if (isMap(parent)) {
    const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
    first = pair?.key as Node | undefined;
    value = (pair?.value ?? undefined) as Node | undefined;
  } else if (typeof key === 'number') {
    first = value = parent.items[key] as Node | undefined;
  }
  const begin = first?.range?.[0];
  if (begin === undefined) return undefined;
  const lineStart = text.lastIndexOf('\n', begin - 1) + 1;
  if (isMap(parent) && text.slice(lineStart, begin).trim() !== '') return undefined;
  if (isSeq(parent) && text.slice(lineStart, begin).trim() !== '-') return undefined;
  const last = value?.range ?? first?.range;
  if (!last) return undefined;
  const end = isCollection(value) && !value.flow ? last[1] : lineEnd(text, last[1]);
  return { start: lineStart, end, column: isSeq(parent) ? text.indexOf('-', lineStart) - lineStart : begin - lineStart };
}

/** Adds `key: value` (parents included) to the deepest map of `path` that exists. */
function insertMissing(doc: Document, path: YamlPath, value: unknown, text: string): Splice | undefined {
  for (let depth = path.length - 1; depth >= 0; depth--) {
    const holder = (depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true)) as Node | undefined;
    if (holder === undefined || holder === null) continue;
    if (!isMap(holder)) return undefined;
    const rest = path.slice(depth + 1);
    if (rest.some((k) => typeof k !== 'string')) return undefined;
    const nested = rest.reduceRight<unknown>((inner, k) => ({ [k as string]: inner }), value);
    return addPair(holder, String(path[depth]), nested, text);
  }
  return undefined;
}

function addPair(map: YAMLMap, key: string, value: unknown, text: string): Splice | undefined {
  const [start, end] = map.range ?? [];
  if (start === undefined || end === undefined) return undefined;
  if (map.flow) {
    const close = text.lastIndexOf('}', end);
    if (close < start) return undefined;
    let at = close;
    while (text[at - 1] === ' ') at--;
    const pair = stringify({ [key]: value }, { collectionStyle: 'flow', lineWidth: 0 }).trim().replace(/^\{\s*|\s*\}$/g, '');
    return { start: at, end: at, text: map.items.length ? `, ${pair}` : pair };
  }
  const column = start - (text.lastIndexOf('\n', start - 1) + 1);
  const rendered = indent(stringify({ [key]: value }, styleOf(text)), column);
  return { start: end, end, text: end > 0 && text[end - 1] !== '\n' ? `\n${rendered}` : rendered };
}

function appendItem(seq: unknown, text: string, value: unknown): Splice | undefined {
  if (!isSeq(seq) || seq.flow || !seq.range) return undefined;
  const [start, end] = seq.range;
  const column = start - (text.lastIndexOf('\n', start - 1) + 1);
  const rendered = indent(stringify([value], styleOf(text)), column);
  return { start: end, end, text: end > 0 && text[end - 1] !== '\n' ? `\n${rendered}` : rendered };
}

const lineEnd = (text: string, from: number): number => {
  const newline = text.indexOf('\n', from);
  return newline < 0 ? text.length : newline + 1;
};

const indent = (block: string, column: number): string =>
  block.split('\n').map((line) => (line ? ' '.repeat(column) + line : line)).join('\n');

const overlapping = (splices: Splice[]): boolean => {
  const sorted = [...splices].sort((a, b) => a.start - b.start);
  return sorted.some((s, i) => i > 0 && s.start < (sorted[i - 1] as Splice).end);
};

function applySplices(text: string, splices: Splice[]): string {
  // From the end, so earlier offsets stay valid; inserts at the same offset keep their order.
  const ordered = splices.map((s, i) => ({ ...s, i })).sort((a, b) => b.start - a.start || b.i - a.i);
  return ordered.reduce((out, s) => out.slice(0, s.start) + s.text + out.slice(s.end), text);
}

function sameDocuments(text: string, wanted: unknown[]): boolean {
  const docs = parseAllDocuments(text);
  return docs.length === wanted.length && docs.every((d, i) => d.errors.length === 0 && deepEqual(d.toJS(), wanted[i]));
}

/** Last resort: this one document re-rendered by yaml (comments, order and quoting kept). */
function rerender(text: string, docs: Document[], index: number, edited: Document): string {
  const doc = docs[index] as Document;
  const start = index === 0 ? 0 : (doc.range?.[0] ?? 0);
  const end = doc.range?.[2] ?? text.length;
  const rendered = edited.toString(styleOf(text));
  return text.slice(0, start) + rendered + text.slice(end);
}

const styleOf = (text: string) => ({ lineWidth: 0, indentSeq: sequencesIndented(text) });

/** Does this file indent sequences under their key (`key:\n  - a`) rather than align them (`key:\n- a`)? */
function sequencesIndented(text: string): boolean {
  const match = /^( *)[^\s#-][^\n]*:\s*\n( *)- /m.exec(text);
  return !match || (match[2]?.length ?? 0) > (match[1]?.length ?? 0);
}
