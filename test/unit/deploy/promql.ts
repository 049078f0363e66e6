/**
 * Just enough PromQL to check a dashboard's queries against the metrics Pennant registers: which
 * series names an expression reads, the label matchers of each selector, the labels it groups by.
 * Deliberately strict: an identifier it does not know is reported, so a misspelt metric name
 * cannot hide as "an unknown function".
 */

export interface Matcher { label: string; op: '=' | '!=' | '=~' | '!~'; value: string }
export interface Selector { metric: string; matchers: Matcher[] }

export interface ParsedQuery {
  selectors: Selector[];
  /** Labels of `by (…)` / `without (…)` clauses and of label_values(…, label). */
  groupingLabels: string[];
  /** Identifiers that are neither metric names in selectors, PromQL words nor Grafana variables. */
  unknown: string[];
}

const PROMQL_WORDS = new Set([
  // aggregations
  'sum', 'min', 'max', 'avg', 'count', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'group', 'count_values',
  // functions the dashboards use or may reasonably use
  'rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'histogram_quantile', 'abs', 'clamp_min', 'clamp_max',
  'vector', 'scalar', 'time', 'timestamp', 'changes', 'resets', 'absent', 'label_replace', 'round', 'ceil', 'floor',
  'avg_over_time', 'max_over_time', 'min_over_time', 'sum_over_time', 'last_over_time',
  // operators and modifiers
  'and', 'or', 'unless', 'bool', 'on', 'ignoring', 'group_left', 'group_right', 'offset',
  // Grafana's templating query function
  'label_values',
]);

const IDENT = /[a-zA-Z_:][a-zA-Z0-9_:]*/g;
const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/;

export function parseQuery(expr: string): ParsedQuery {
  const selectors: Selector[] = [];
  const groupingLabels: string[] = [];
  const unknown: string[] = [];

  // Grafana variables ($name, ${name:regex}, $__rate_interval) are values, never identifiers.
  let rest = expr.replace(/\$\{[^}]*\}|\$[a-zA-Z_][a-zA-Z0-9_]*/g, ' ');
  // Range and subquery brackets hold durations only.
  rest = rest.replace(/\[[^\]]*\]/g, ' ');

  rest = rest.replace(/([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*\{([^}]*)\}/g, (_all, metric: string | undefined, body: string) => {
    const matchers: Matcher[] = [];
    for (const part of splitMatchers(body)) {
      const m = MATCHER.exec(part);
      if (!m) {
        unknown.push(`matcher "${part.trim()}"`);
        continue;
      }
      matchers.push({ label: m[1] ?? '', op: m[2] as Matcher['op'], value: m[3] ?? '' });
    }
    const name = metric ?? matchers.find((m) => m.label === '__name__' && m.op === '=')?.value;
    if (!name) unknown.push(`selector without a metric name: {${body}}`);
    else selectors.push({ metric: name, matchers });
    return ' ';
  });

  rest = rest.replace(/\b(by|without)\s*\(([^)]*)\)/g, (_all, _kw: string, labels: string) => {
    groupingLabels.push(...labels.split(',').map((l) => l.trim()).filter(Boolean));
    return ' ';
  });
  rest = rest.replace(/\blabel_values\s*\(([^,()]*),\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)/g, (_all, metric: string, label: string) => {
    groupingLabels.push(label);
    return ` ${metric} `;
  });
  rest = rest.replace(/"(?:[^"\\]|\\.)*"/g, ' ');

  for (const [word] of rest.matchAll(IDENT)) {
    if (PROMQL_WORDS.has(word)) continue;
    // What is left is a bare metric name (`pennant_info`); anything else is suspicious.
    if (/^[a-z][a-z0-9_]*$/.test(word) && word.includes('_')) selectors.push({ metric: word, matchers: [] });
    else unknown.push(word);
  }
  // Numbers (0.99, 1e3) start with a digit and never match IDENT, except an exponent's "e…" part.
  return { selectors, groupingLabels, unknown: unknown.filter((u) => !/^e\d*$/.test(u)) };
}

/** Splits a selector body on commas outside quoted values. */
function splitMatchers(body: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch === '\\' && quoted) {
      current += ch + (body[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim()) parts.push(current);
  return parts.filter((p) => p.trim());
}

/** `{{label}}` references of a legend format. */
export const legendLabels = (legendFormat: string): string[] => [...legendFormat.matchAll(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g)].map((m) => m[1] ?? '');
