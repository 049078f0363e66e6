import { stringify } from 'yaml';
import type { CheckStatus } from '../api/index.js';
import { formatDuration } from '../engine/duration.js';
import type { KubeObject } from '../kube/types.js';
import { type CanaryView, viewOf } from '../operate/canary-view.js';

export { type CanaryView, viewOf } from '../operate/canary-view.js';

const number = (value: number): string => (Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/\.?0+$/, ''));

/** `request-success-rate 99.82 ≥ 99 ✓`: the value, the bound it is held to, and the verdict. */
export function formatCheck(check: CheckStatus): string {
  const ok = check.verdict === 'pass';
  const mark = ok ? '✓' : '✗';
  if (check.value === null || check.value === undefined) {
    return `${check.name} ${check.kind === 'webhook' ? (ok ? 'ok' : 'failed') : check.verdict === 'noData' ? 'no data' : check.verdict} ${mark}`;
  }
  const bounds: string[] = [];
  if (check.min !== undefined) bounds.push(`${ok || check.value >= check.min ? '≥' : '<'} ${number(check.min)}`);
  if (check.max !== undefined) bounds.push(`${ok || check.value <= check.max ? '≤' : '>'} ${number(check.max)}`);
  return `${check.name} ${number(check.value)}${bounds.length ? ` ${bounds.join(' ')}` : ''} ${mark}`;
}

const ago = (seconds: number | undefined): string => (seconds === undefined ? '-' : seconds < 1 ? '0s' : formatDuration(seconds * 1000));

function gateText(view: CanaryView, now: Date): string {
  if (view.paused) return 'paused';
  if (!view.gate) return '-';
  const waited = Math.max(0, Math.round((now.getTime() - Date.parse(view.gate.since)) / 1000));
  return `${view.gate.type} closed ${ago(waited)}`;
}

const weightText = (view: CanaryView): string => (view.maxWeight !== undefined ? `${view.weight}/${view.maxWeight}` : String(view.weight));

const checksText = (view: CanaryView): string => (view.checks.length ? view.checks.map(formatCheck).join(', ') : '-');

/** A table as `kubectl get canaries` prints one, plus the weight, checks, gate and time in phase. */
export function formatTable(views: readonly CanaryView[], now: Date, withNamespace: boolean): string {
  const header = [...(withNamespace ? ['NAMESPACE'] : []), 'NAME', 'PHASE', 'WEIGHT', 'FAILED', 'GATE', 'IN PHASE', 'CHECKS'];
  const rows = views.map((v) => [
    ...(withNamespace ? [v.namespace] : []),
    v.name,
    v.phase,
    weightText(v),
    `${v.failedChecks}/${v.threshold}`,
    gateText(v, now),
    ago(v.inPhaseSeconds),
    checksText(v),
  ]);
  return columns([header, ...rows]);
}

/** Left-aligned columns three spaces apart, as kubectl prints them; the last one runs free. */
function columns(rows: readonly string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const line = (r: readonly string[]) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd((widths[i] ?? 0) + 3))).join('').trimEnd();
  return `${rows.map(line).join('\n')}\n`;
}

/** One Canary in full, under its table row: each check on its line, what the phase says, the last request. */
export function formatDetails(view: CanaryView, now: Date): string {
  const lines: string[] = [];
  if (view.message) lines.push(`  ${view.phase}: ${view.message}`);
  if (view.problem) lines.push(`  not ready: ${view.problem}`);
  if (view.paused) lines.push(`  ${view.paused}`);
  if (view.checks.length) {
    const at = view.checks[0]?.time;
    lines.push(`  checks${at ? ` (${ago(Math.max(0, Math.round((now.getTime() - Date.parse(at)) / 1000)))} ago)` : ''}:`);
    for (const check of view.checks) lines.push(`    ${formatCheck(check)}${check.verdict !== 'pass' && check.message ? `  ${check.message}` : ''}`);
  }
  const request = view.lastRequest;
  if (request) lines.push(`  last request: ${request.verb ?? 'unreadable'}${request.by ? ` by ${request.by}` : ''}: ${request.outcome}: ${request.message}`);
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** One line per change when stdout is not a terminal (a log, a pipe). */
export function formatLine(view: CanaryView, now: Date): string {
  return `${now.toISOString()} ${lineContent(view, now)}\n`;
}

/** What a line says, without its time: a new line is printed only when this changes. */
export function lineContent(view: CanaryView, now: Date): string {
  const parts = [
    `${view.namespace}/${view.name}`,
    view.phase,
    `weight=${weightText(view)}`,
    `failed=${view.failedChecks}/${view.threshold}`,
    `gate=${gateText(view, now).replace(/ closed .*$/, ' closed')}`,
    `checks=${checksText(view)}`,
  ];
  return parts.join(' ');
}

export const STATUS_FORMATS = ['table', 'json', 'yaml'] as const;
export type StatusFormat = (typeof STATUS_FORMATS)[number];

/** Which Canaries are shown: a namespace (none: all of them), and maybe one name. */
export interface Selection {
  namespace?: string;
  name?: string;
}

/** The views of the Canaries in scope, ordered as kubectl orders them (namespace, then name). */
export function viewsOf(objects: readonly KubeObject[], scope: Selection, now: Date): CanaryView[] {
  return objects
    .filter((o) => scope.name === undefined || o.metadata.name === scope.name)
    .map((o) => viewOf(o, now))
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

/** The whole picture at once: the table (and one Canary's details), or JSON/YAML for scripts. */
export function render(views: readonly CanaryView[], scope: Selection, format: StatusFormat, now: Date): string {
  const single = scope.name !== undefined ? views[0] : undefined;
  if (format === 'json') return `${JSON.stringify(single ?? { items: views }, null, 2)}\n`;
  if (format === 'yaml') return stringify(single ?? { items: views });
  const table = formatTable(views, now, scope.namespace === undefined);
  return single ? table + formatDetails(single, now) : table;
}

export function nothingFound(scope: Selection): string {
  const where = scope.namespace === undefined ? 'in any namespace' : `in namespace ${scope.namespace}`;
  return scope.name ? `canary ${scope.name} not found ${where}` : `no canaries found ${where}`;
}
