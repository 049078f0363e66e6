import { type Document, isAlias, isMap as isYamlMap, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';
import { formatPath, type PathSegment, validateManifest } from '../api/index.js';
import type { KubeObject } from '../kube/types.js';
import { isClusterScoped, objectKey, refOfObject } from './scope.js';
import type { SourceFile, SourceProblem } from './source-files.js';
import { documentValue, syntaxErrorPath, syntaxMessage } from '../util/yaml-limits.js';
import { isMap } from './yaml-values.js';

/** One object declared in Git, as it will be applied. */
export interface Manifest {
  /** File relative to the repository root. */
  file: string;
  /** Index of the YAML document in its file (comment-only documents count). */
  index: number;
  /** 1-based line where the document's content starts. */
  line: number;
  /** The object, its namespace filled in. */
  object: KubeObject;
}

export type ManifestResult = { ok: true; manifests: Manifest[] } | { ok: false; problems: SourceProblem[] };

const PENNANT_GROUPS = new Set(['pennant.dev', 'flagger.app']);

/**
 * Parses every document of every file; fills in the namespace of namespaced objects (a
 * kustomization's `namespace` wins, else the manifest's own, else `defaultNamespace`); validates
 * Pennant's kinds. Any problem anywhere fails the whole set: nothing is applied from a broken commit.
 */
export function parseManifests(files: readonly SourceFile[], defaultNamespace: string): ManifestResult {
  const manifests: Manifest[] = [];
  const problems: SourceProblem[] = [];
  const seen = new Map<string, Manifest>();
  for (const file of files) {
    const lines = new LineCounter();
    parseAllDocuments(file.text, { lineCounter: lines, merge: true }).forEach((doc, index) => {
      const line = lines.linePos(doc.contents?.range?.[0] ?? doc.range?.[0] ?? 0).line;
      const where = (path: readonly PathSegment[]): number => (path.length ? positionOf(doc, path, lines) : line);
      if (doc.errors.length > 0) {
        for (const error of doc.errors) problems.push({ file: file.path, line: lines.linePos(error.pos[0]).line, message: `${yamlProblemField(syntaxErrorPath(error, file.text))}: ${syntaxMessage(error, file.text)}` });
        return;
      }
      const plain = documentValue(doc);
      if (!plain.ok) return void problems.push({ file: file.path, line: where(plain.path), message: `${yamlProblemField(plain.path)}: ${plain.message} (${plain.hint})` });
      const value = plain.value;
      if (value === null || value === undefined) return;
      const shape = objectProblem(value);
      if (shape) return void problems.push({ file: file.path, line: where(shape.path), message: shape.message });
      const object = withNamespace(value as KubeObject, file.namespaceOverride, defaultNamespace);
      for (const issue of pennantIssues(object)) problems.push({ file: file.path, line: where(issue.path), message: `${formatPath(issue.path)}: ${issue.message}${issue.hint ? ` (${issue.hint})` : ''}` });
      const key = objectKey(refOfObject(object));
      const earlier = seen.get(key);
      if (earlier) return void problems.push({ file: file.path, line, message: `${object.kind} ${key.split('/').slice(2).join('/')} is also declared in ${earlier.file}:${earlier.line}` });
      const manifest = { file: file.path, index, line, object };
      seen.set(key, manifest);
      manifests.push(manifest);
    });
  }
  return problems.length ? { ok: false, problems } : { ok: true, manifests };
}

const yamlProblemField = (path: readonly PathSegment[]): string => (path.length ? formatPath(path) : 'YAML');

function objectProblem(value: unknown): { path: PathSegment[]; message: string } | undefined {
  if (!isMap(value)) return { path: [], message: 'expected a Kubernetes object (a map with apiVersion, kind and metadata.name)' };
  if (typeof value.apiVersion !== 'string' || !value.apiVersion) return { path: ['apiVersion'], message: 'apiVersion: required' };
  if (typeof value.kind !== 'string' || !value.kind) return { path: ['kind'], message: 'kind: required' };
  const metadata = value.metadata;
  if (!isMap(metadata) || typeof metadata.name !== 'string' || !metadata.name) return { path: ['metadata'], message: 'metadata.name: required' };
  return undefined;
}

function withNamespace(object: KubeObject, override: string | undefined, fallback: string): KubeObject {
  if (isClusterScoped(object.kind)) return object;
  const namespace = override ?? object.metadata.namespace ?? fallback;
  return { ...object, metadata: { ...object.metadata, namespace } };
}

/** `pennant validate`'s errors; its warnings never block a sync (the controller records them as Events). */
function pennantIssues(object: KubeObject) {
  if (!PENNANT_GROUPS.has(object.apiVersion.split('/')[0] ?? '')) return [];
  return validateManifest(object).filter((issue) => issue.severity === 'error');
}

/** The line of the node at `path`, or of the deepest part of it that exists. */
export function positionOf(doc: Document, path: readonly PathSegment[], lines: LineCounter): number {
  let node: Node | undefined = (doc.contents ?? undefined) as Node | undefined;
  let offset = node?.range?.[0] ?? 0;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc) as Node | undefined;
    let next: { key: Node | undefined; value: Node | undefined } | undefined;
    if (isYamlMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (pair) next = { key: pair.key as Node, value: (pair.value ?? undefined) as Node | undefined };
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (item) next = { key: item, value: item };
    }
    if (!next) break;
    node = next.value;
    offset = (isScalar(next.value) ? next.value.range?.[0] : next.key?.range?.[0]) ?? offset;
  }
  return lines.linePos(offset).line;
}
