import { KubeError } from './errors.js';
import { deepCopy, deepEqual, isObject } from './json.js';

/** The RFC 6902 operations MemoryKube understands (all six; a real server knows the same). */
export type JsonPatchOp =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

/** Applies an RFC 6902 JSON patch to a copy of `doc`; a failed op is 422 Invalid, as on a real server. */
export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw invalid('a JSON patch must be an array of operations');
  let result = deepCopy(doc);
  for (const op of patch) result = applyOp(result, parseOp(op));
  return result;
}

function applyOp(doc: unknown, op: JsonPatchOp): unknown {
  switch (op.op) {
    case 'add': return add(doc, op.path, deepCopy(op.value));
    case 'remove': return remove(doc, op.path);
    case 'replace': return add(remove(doc, op.path), op.path, deepCopy(op.value));
    case 'test':
      if (!deepEqual(read(doc, op.path), op.value)) throw invalid(`test failed at "${op.path}"`);
      return doc;
    case 'move': {
      const value = read(doc, op.from);
      return add(remove(doc, op.from), op.path, value);
    }
    case 'copy': return add(doc, op.path, deepCopy(read(doc, op.from)));
  }
}

function parseOp(raw: unknown): JsonPatchOp {
  if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
    throw invalid(`malformed JSON patch operation ${JSON.stringify(raw)}`);
  }
  const { op, path } = raw;
  if (op === 'remove') return { op, path };
  if (op === 'add' || op === 'replace' || op === 'test') {
    if (!('value' in raw)) throw invalid(`"${op}" at "${path}" needs a value`);
    return { op, path, value: raw.value };
  }
  if ((op === 'move' || op === 'copy') && typeof raw.from === 'string') return { op, from: raw.from, path };
  throw invalid(`unsupported JSON patch operation "${op}"`);
}

/** RFC 6901 pointer to tokens: "/a~1b/0" → ["a/b", "0"]. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw invalid(`JSON pointer "${pointer}" must start with "/"`);
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function read(doc: unknown, pointer: string): unknown {
  return walk(doc, parsePointer(pointer), pointer);
}

function walk(doc: unknown, tokens: string[], pointer: string): unknown {
  let node = doc;
  for (const token of tokens) node = child(node, token, pointer);
  return node;
}

function child(node: unknown, token: string, pointer: string): unknown {
  if (Array.isArray(node)) return node[arrayIndex(node, token, pointer, false)];
  if (isObject(node) && Object.hasOwn(node, token)) return node[token];
  throw invalid(`path "${pointer}" does not exist`);
}

function add(doc: unknown, pointer: string, value: unknown): unknown {
  const tokens = parsePointer(pointer);
  const last = tokens.pop();
  if (last === undefined) return value;
  const parent = walk(doc, tokens, pointer);
  if (Array.isArray(parent)) {
    parent.splice(last === '-' ? parent.length : arrayIndex(parent, last, pointer, true), 0, value);
  } else if (isObject(parent)) {
    parent[last] = value;
  } else {
    throw invalid(`cannot add at "${pointer}": the parent is not an object or a list`);
  }
  return doc;
}

function remove(doc: unknown, pointer: string): unknown {
  const tokens = parsePointer(pointer);
  const last = tokens.pop();
  if (last === undefined) return null;
  const parent = walk(doc, tokens, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, pointer, false), 1);
  else if (isObject(parent) && Object.hasOwn(parent, last)) delete parent[last];
  else throw invalid(`path "${pointer}" does not exist`);
  return doc;
}

function arrayIndex(list: unknown[], token: string, pointer: string, forInsert: boolean): number {
  const index = /^(0|[1-9][0-9]*)$/.test(token) ? Number(token) : -1;
  const max = forInsert ? list.length : list.length - 1;
  if (index < 0 || index > max) throw invalid(`list index "${token}" out of range in "${pointer}"`);
  return index;
}

function invalid(message: string): KubeError {
  return new KubeError('Invalid', `json patch: ${message}`, 422);
}
