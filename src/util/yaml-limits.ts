import type { Document, YAMLError } from 'yaml';

/** Nodes the aliases of one document may expand to: a few anchors are fine, a "billion laughs" is not. */
export const MAX_ALIAS_NODES = 1000;
/** Deeper than any Kubernetes object nests (a Deployment's pod template is about 12). */
export const MAX_DEPTH = 64;
/** etcd's default request limit: the API server cannot store a larger object. */
export const MAX_DOCUMENT_BYTES = 1.5 * 1024 * 1024;

export type DocumentValue =
  | { ok: true; value: unknown }
  /** `path` is [] when the whole document is refused. */
  | { ok: false; path: (string | number)[]; message: string; hint: string };

/**
 * The plain value of a parsed document, or why it is refused: too large for the API server,
 * aliases expanding beyond MAX_ALIAS_NODES (toJS would throw), or nested deeper than MAX_DEPTH
 * (the checks after it walk the object).
 */
export function documentValue(doc: Document): DocumentValue {
  const [start = 0, end = 0] = doc.range ?? [];
  if (end - start > MAX_DOCUMENT_BYTES) {
    const size = `${((end - start) / 1024 / 1024).toFixed(1)} MiB`;
    return refused([], `document is ${size}, over the API server's ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB limit for one object`, 'split it, or move large data out of the manifest');
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_NODES });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    return refused([], `aliases expand to more than ${MAX_ALIAS_NODES} nodes`, 'write the values out, or use fewer *aliases of large &anchors');
  }
  const deep = pathDeeperThan(value, MAX_DEPTH);
  if (deep) return refused(deep, `nested more than ${MAX_DEPTH} levels deep`, 'Kubernetes objects nest a few dozen levels at most: check the indentation or brackets here');
  return { ok: true, value };
}

function refused(path: (string | number)[], message: string, hint: string): DocumentValue {
  return { ok: false, path, message, hint };
}

/** The path to the first node below `limit` levels, walked without recursion. */
function pathDeeperThan(value: unknown, limit: number): (string | number)[] | undefined {
  const stack: { node: unknown; path: (string | number)[] }[] = [{ node: value, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop() as { node: unknown; path: (string | number)[] };
    if (node === null || typeof node !== 'object') continue;
    if (path.length >= limit) return path.slice(0, limit);
    const entries: [string | number, unknown][] = Array.isArray(node) ? node.map((item, i) => [i, item]) : Object.entries(node);
    for (const [key, child] of entries) stack.push({ node: child, path: [...path, key] });
  }
  return undefined;
}

/** Where a syntax error is, as a field path; [] when only the document as a whole can be named. */
export function syntaxErrorPath(error: YAMLError, text: string): (string | number)[] {
  return error.code === 'RESOURCE_EXHAUSTION' ? blockPathAt(text, error.pos[0]) : [];
}

/** A syntax error's first line without its position, naming the key of a duplicate and the cause of exhaustion. */
export function syntaxMessage(error: YAMLError, text: string): string {
  const first = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  if (error.code === 'DUPLICATE_KEY') {
    const lineStart = text.lastIndexOf('\n', error.pos[0] - 1) + 1;
    const key = /^\s*(?:-\s+)?("[^"]*"|'[^']*'|[^:#\n]+?)\s*:/.exec(text.slice(lineStart, lineStart + 300))?.[1];
    return key ? `duplicate key ${key.startsWith('"') || key.startsWith("'") ? key : `"${key}"`}: ${first}` : first;
  }
  if (error.code === 'RESOURCE_EXHAUSTION') return `nested too deep for the YAML parser (${first})`;
  return first;
}

/**
 * The block-style path of keys and list items leading to `offset` (a syntax error leaves no
 * document to follow): each `key:` or `- ` line nests under the nearest line indented less.
 */
export function blockPathAt(text: string, offset: number): (string | number)[] {
  const stack: { indent: number; segment: string | number }[] = [];
  const counters = new Map<string, number>();
  for (const line of text.slice(0, offset).split('\n')) {
    const match = /^(\s*)(-\s+)?(?:("[^"]*"|'[^']*'|[^\s:#'"][^:#]*?)\s*:(?:\s|$))?/.exec(line);
    const indent = match?.[1]?.length ?? 0;
    if (match?.[2] || match?.[3]) {
      while (stack.length > 0 && (stack[stack.length - 1]?.indent ?? 0) >= indent) stack.pop();
      const parent = stack.map((s) => s.segment).join('\u0000');
      if (match[2]) {
        const index = counters.get(parent) ?? 0;
        counters.set(parent, index + 1);
        stack.push({ indent, segment: index });
      }
      if (match[3]) stack.push({ indent: indent + (match[2]?.length ?? 0), segment: match[3].replace(/^["']|["']$/g, '') });
    }
  }
  return stack.map((s) => s.segment);
}
