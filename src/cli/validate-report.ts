import { type Document, LineCounter, parseAllDocuments, type YAMLError } from 'yaml';
import { formatPath, type IssueSeverity } from '../api/issues.js';
import { validateManifest, type ValidationOptions } from '../api/validate.js';
import { documentValue, syntaxErrorPath, syntaxMessage } from '../util/yaml-limits.js';
import { locate } from './yaml-position.js';

export interface ReportedIssue {
  severity: IssueSeverity;
  line: number;
  col: number;
  /** A field path such as `spec.analysis.interval`, or `yaml` for a syntax error. */
  field: string;
  message: string;
  hint: string;
}

export type DocumentStatus = 'valid' | 'invalid' | 'skipped';

export interface DocumentReport {
  /** 0-based index of the document in its file. */
  index: number;
  line: number;
  kind?: string;
  name?: string;
  status: DocumentStatus;
  issues: ReportedIssue[];
}

export interface FileReport {
  file: string;
  documents: DocumentReport[];
}

export interface Summary {
  valid: number;
  invalid: number;
  skipped: number;
  /** Warnings in all documents: reported, but they do not make a document invalid. */
  warnings: number;
}

/** Validates every document of one YAML file; `file` is only used to label the result. */
export function validateYamlText(file: string, text: string, options: ValidationOptions = {}): FileReport {
  const lines = new LineCounter();
  // merge keys (`<<: *defaults`) as kubectl's YAML 1.1 parser reads them
  const documents = parseAllDocuments(text, { lineCounter: lines, merge: true });
  const list = Array.isArray(documents) ? documents : [];
  const reports = list
    .map((doc, index) => reportDocument(doc, index, lines, options, text))
    .filter((report): report is DocumentReport => report !== undefined);
  return { file, documents: reports };
}

function reportDocument(doc: Document, index: number, lines: LineCounter, options: ValidationOptions, text: string): DocumentReport | undefined {
  const line = lines.linePos(doc.contents?.range?.[0] ?? doc.range?.[0] ?? 0).line;
  if (doc.errors.length > 0) {
    return { index, line, status: 'invalid', issues: doc.errors.map((error) => syntaxIssue(error, lines, text)) };
  }
  const plain = documentValue(doc);
  if (!plain.ok) {
    const { path, message, hint } = plain;
    const field = path.length ? formatPath(path) : 'yaml';
    return { index, line, status: 'invalid', issues: [{ severity: 'error', ...locate(doc, path, 'value', lines), field, message, hint }] };
  }
  const value = plain.value;
  // a stray `---` or a comment-only document is not an object anyone meant to apply
  if (value === null || value === undefined) return undefined;
  const issues = validateManifest(value, options).map((issue): ReportedIssue => ({
    severity: issue.severity,
    ...locate(doc, issue.path, issue.anchor, lines),
    field: formatPath(issue.path),
    message: issue.message,
    hint: issue.hint,
  }));
  issues.sort((a, b) => a.line - b.line || a.col - b.col);
  return { index, line, ...identity(value), status: statusOf(issues), issues };
}

function statusOf(issues: readonly ReportedIssue[]): DocumentStatus {
  if (issues.some((issue) => issue.severity === 'skip')) return 'skipped';
  return issues.some((issue) => issue.severity === 'error') ? 'invalid' : 'valid';
}

function identity(value: unknown): { kind?: string; name?: string } {
  if (value === null || typeof value !== 'object') return {};
  const { kind, metadata } = value as { kind?: unknown; metadata?: { name?: unknown } };
  const name = metadata?.name;
  return { ...(typeof kind === 'string' ? { kind } : {}), ...(typeof name === 'string' ? { name } : {}) };
}

const SYNTAX_HINTS: Record<string, string> = {
  DUPLICATE_KEY: 'remove or rename one of the duplicate keys: only one would be kept',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  BAD_INDENT: 'check the indentation of this line against its parent',
  MISSING_CHAR: 'close the quote or bracket opened earlier',
  MULTILINE_IMPLICIT_KEY: 'a key must fit on one line; check for a missing ":" or a stray line break',
};

function syntaxIssue(error: YAMLError, lines: LineCounter, text: string): ReportedIssue {
  const at = error.linePos?.[0] ?? lines.linePos(error.pos[0]);
  const message = syntaxMessage(error, text);
  const path = syntaxErrorPath(error, text);
  return {
    severity: 'error',
    line: at.line,
    col: at.col,
    field: path.length ? formatPath(path) : 'yaml',
    message,
    hint: SYNTAX_HINTS[error.code] ?? 'fix the YAML syntax here',
  };
}

export function summarize(reports: readonly FileReport[]): Summary {
  const summary: Summary = { valid: 0, invalid: 0, skipped: 0, warnings: 0 };
  for (const report of reports) {
    for (const doc of report.documents) {
      summary[doc.status]++;
      summary.warnings += doc.issues.filter((issue) => issue.severity === 'warning').length;
    }
  }
  return summary;
}

/** 0 when every Pennant document is valid (warnings allowed); skipped documents neither pass nor fail a run. */
export const exitCodeFor = (summary: Summary): 0 | 1 => (summary.invalid > 0 ? 1 : 0);

export function formatSummary({ valid, invalid, skipped, warnings }: Summary): string {
  const counted = `${valid} ${valid === 1 ? 'document' : 'documents'} valid, ${invalid} invalid, ${skipped} skipped`;
  return warnings > 0 ? `${counted}, ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}` : counted;
}

/**
 * `file:line:col: field: message`, then an indented hint: the format editors and CI annotate. A
 * warning reads `file:line:col: warning: field: message`.
 */
export function formatText(reports: readonly FileReport[]): string {
  const out: string[] = [];
  for (const report of reports) {
    for (const doc of report.documents) {
      for (const issue of doc.issues) {
        const where = `${report.file}:${issue.line}:${issue.col}`;
        if (issue.severity === 'skip') out.push(`${where}: skipped: ${issue.message}`);
        else out.push(`${where}: ${issue.severity === 'warning' ? 'warning: ' : ''}${issue.field}: ${issue.message}`, `  hint: ${issue.hint}`);
      }
    }
  }
  out.push(formatSummary(summarize(reports)));
  return `${out.join('\n')}\n`;
}

export function formatJson(reports: readonly FileReport[]): string {
  const summary = summarize(reports);
  return `${JSON.stringify({ valid: exitCodeFor(summary) === 0, summary, files: reports }, null, 2)}\n`;
}
