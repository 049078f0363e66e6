import { isMap, isScalar, parseAllDocuments } from 'yaml';
import { FLAGGER_GROUP, PENNANT_API_VERSION } from '../api/index.js';
import { editYamlDocument } from '../gitops/yaml-edit.js';

/** The Flagger kinds Pennant has, under the same names and fields. */
export const MIGRATED_KINDS: readonly string[] = ['Canary', 'MetricTemplate', 'AlertProvider'];

/** What was changed in one document, for the report. */
export interface DocumentChange {
  index: number;
  /** 1-based line of the document's apiVersion. */
  line: number;
  kind: string;
  name?: string;
  from: string;
  /** Fields renamed (Flagger's v1alpha `spec.canaryAnalysis` → `spec.analysis`). */
  renamed: string[];
  /** What Pennant reads differently without a change to the text. */
  notes: string[];
}

export interface Migration {
  text: string;
  changes: DocumentChange[];
  /** Documents of the flagger.app group that Pennant has no kind for: left as they are. */
  unknown: { index: number; kind: string }[];
}

const isFlagger = (apiVersion: unknown): apiVersion is string => typeof apiVersion === 'string' && apiVersion.startsWith(`${FLAGGER_GROUP}/`);

interface Plain {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown };
  spec?: { canaryAnalysis?: unknown; analysis?: unknown; provider?: unknown };
}

/**
 * Rewrites the Flagger documents of a multi-document YAML text to pennant.dev/v1beta1. Only what
 * must change changes (the apiVersion value, a renamed key), in place: comments, quoting, key order,
 * blank lines and every other document stay byte for byte.
 */
export function migrateText(text: string): Migration {
  let out = text;
  const changes: DocumentChange[] = [];
  const unknown: Migration['unknown'] = [];
  parseAllDocuments(text).forEach((doc, index) => {
    if (doc.errors.length) return;
    const value = doc.toJS() as Plain | null;
    if (!value || typeof value !== 'object' || !isFlagger(value.apiVersion)) return;
    const kind = typeof value.kind === 'string' ? value.kind : '';
    if (!MIGRATED_KINDS.includes(kind)) {
      unknown.push({ index, kind: kind || '(no kind)' });
      return;
    }
    const renamed: string[] = [];
    if (kind === 'Canary' && value.spec?.canaryAnalysis !== undefined && value.spec.analysis === undefined) {
      out = renameKey(out, index, 'spec', 'canaryAnalysis', 'analysis');
      renamed.push('spec.canaryAnalysis → spec.analysis');
    }
    out = editYamlDocument(out, index, [{ op: 'set', path: ['apiVersion'], value: PENNANT_API_VERSION }]);
    changes.push({
      index,
      line: lineOfKey(out, index, 'apiVersion'),
      kind,
      ...(typeof value.metadata?.name === 'string' ? { name: value.metadata.name } : {}),
      from: value.apiVersion,
      renamed,
      notes: kind === 'Canary' && value.spec?.provider === undefined ? [PROVIDER_NOTE] : [],
    });
  });
  return { text: out, changes, unknown };
}

export const PROVIDER_NOTE =
  'spec.provider is not set: Flagger routed this Canary with its -mesh-provider flag (default istio), ' +
  'Pennant routes it with pennant run --provider (default kubernetes); set spec.provider to keep the router you had';

/** Renames `key` of the map at `parent` in document `index`, touching only the key's own characters. */
function renameKey(text: string, index: number, parent: string, key: string, renamed: string): string {
  const doc = parseAllDocuments(text)[index];
  const holder = doc?.get(parent, true);
  if (!isMap(holder)) return text;
  const pair = holder.items.find((p) => isScalar(p.key) && p.key.value === key);
  const range = isScalar(pair?.key) ? pair.key.range : undefined;
  if (!range || !isScalar(pair?.key) || pair.key.type !== 'PLAIN') return text;
  return text.slice(0, range[0]) + renamed + text.slice(range[1]);
}

function lineOfKey(text: string, index: number, key: string): number {
  const doc = parseAllDocuments(text)[index];
  const pair = doc && isMap(doc.contents) ? doc.contents.items.find((p) => isScalar(p.key) && p.key.value === key) : undefined;
  const offset = isScalar(pair?.key) ? (pair.key.range?.[0] ?? 0) : (doc?.range[0] ?? 0);
  return text.slice(0, offset).split('\n').length;
}
