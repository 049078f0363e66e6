import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import type { IssueAnchor, PathSegment } from '../api/issues.js';

/** 1-based, as editors and compilers print them. */
export interface Position {
  line: number;
  col: number;
}

interface Found {
  /** The node the path leads to, or the deepest one that exists. */
  node: Node | undefined;
  /** The key naming `node` in its map (for a list item: the item itself). */
  key: Node | undefined;
  complete: boolean;
}

function follow(doc: Document, path: readonly PathSegment[]): Found {
  let node = doc.contents ?? undefined;
  let key: Node | undefined;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc) as Node | undefined;
    const next = childOf(node, segment);
    if (next === undefined) return { node, key, complete: false };
    ({ node, key } = next);
  }
  return { node, key, complete: true };
}

function childOf(node: Node | undefined, segment: PathSegment): { node: Node | undefined; key: Node } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
    if (pair === undefined) return undefined;
    return { key: pair.key as Node, node: (pair.value ?? undefined) as Node | undefined };
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item = node.items[segment] as Node | undefined;
    return item === undefined ? undefined : { key: item, node: item };
  }
  return undefined;
}

/** An empty value (`query:`) has no text of its own: point at its key instead. */
const isEmptyScalar = (node: Node | undefined): boolean =>
  isScalar(node) && node.value === null && (node.source === undefined || node.source === '');

/**
 * Where an issue at `path` should point. A value anchor points at a scalar value, or at the key of
 * a map or list (its first line is the key's). A missing field points at the key of its parent map,
 * which is where it has to be added. Falls back to the document's start.
 */
export function locate(doc: Document, path: readonly PathSegment[], anchor: IssueAnchor, lines: LineCounter): Position {
  const { node, key, complete } = follow(doc, path);
  const pointAtValue = complete && anchor === 'value' && isScalar(node) && !isEmptyScalar(node);
  const target = pointAtValue ? node : (key ?? node);
  const offset = target?.range?.[0] ?? doc.contents?.range?.[0] ?? doc.range?.[0] ?? 0;
  return lines.linePos(offset);
}
