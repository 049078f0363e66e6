/** One step into a parsed manifest: a map key or a list index. */
export type PathSegment = string | number;

/**
 * `error`: the document would be rejected or misbehave. `warning`: Flagger and Pennant accept it, but
 * part of it is ignored or runs differently than written (validate exits 0; the controller records
 * an Event). `skip`: the document is not a Pennant kind, so nothing was checked (a directory of
 * manifests holds Deployments too).
 */
export type IssueSeverity = 'error' | 'warning' | 'skip';

/**
 * Which YAML node a position should point at: `key` for an unknown field (the key is the mistake),
 * `value` for a wrong value. A path that does not exist in the document (a missing field) points at
 * the key of its deepest existing parent either way.
 */
export type IssueAnchor = 'key' | 'value';

/** A cross-field rule's finding: `path` starts at the object root (`['spec', 'analysis', ...]`). */
export interface RuleIssue {
  path: PathSegment[];
  message: string;
  hint: string;
}

export interface ValidationIssue extends RuleIssue {
  severity: IssueSeverity;
  anchor: IssueAnchor;
}

export const errorIssue = (issue: RuleIssue, anchor: IssueAnchor = 'value'): ValidationIssue => ({
  severity: 'error',
  anchor,
  ...issue,
});

export const warningIssue = (issue: RuleIssue, anchor: IssueAnchor = 'value'): ValidationIssue => ({
  severity: 'warning',
  anchor,
  ...issue,
});

/** `spec.analysis.metrics[0].name`, the way kubectl and Flagger's docs write field paths. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === '' ? '(document)' : out;
}

/** A value as a user wrote it, for messages: strings quoted, lists and maps named rather than dumped. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return String(value);
}

/** The value at `path` in a plain JS document, or undefined when any step is missing. */
export function valueAt(doc: unknown, path: readonly PathSegment[]): unknown {
  let node: unknown = doc;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PathSegment, unknown>)[segment];
  }
  return node;
}
