import { MetricError } from './errors.js';
import type { TemplateVars } from './template-vars.js';

/** Go-template actions: `{{ x }}`, with Go's optional trim markers `{{- x -}}`. */
const ACTION = /\{\{(-\s)?([\s\S]*?)(\s-)?\}\}/g;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const VARIABLE = /^variables\.([A-Za-z_][A-Za-z0-9_]*)$/;
const COMMENT = /^\/\*[\s\S]*\*\/$/;

type Scalar = Exclude<keyof TemplateVars, 'variables'>;
const SCALARS: readonly Scalar[] = ['name', 'namespace', 'target', 'service', 'ingress', 'route', 'interval'];
const AVAILABLE = `${SCALARS.map((s) => `{{ ${s} }}`).join(', ')} and {{ variables.<key> }}`;

/**
 * Renders the subset of Flagger's Go templates that queries use. Like Flagger (missingkey=error),
 * anything that cannot be resolved is an error naming it, never an empty string.
 */
export function renderQuery(template: string, vars: TemplateVars): string {
  let out = '';
  let last = 0;
  for (const match of template.matchAll(ACTION)) {
    const [whole, trimLeft, expression = '', trimRight] = match;
    const before = template.slice(last, match.index);
    out += (trimLeft ? before.trimEnd() : before) + resolve(expression.trim(), vars);
    last = match.index + whole.length;
    if (trimRight) last += leadingWhitespace(template.slice(last));
  }
  const rest = template.slice(last);
  if (rest.includes('{{')) throw new MetricError('Render', 'query template has an unclosed "{{"');
  return out + rest;
}

function resolve(expression: string, vars: TemplateVars): string {
  if (COMMENT.test(expression)) return '';
  const variable = VARIABLE.exec(expression);
  if (variable) return lookupVariable(variable[1] ?? '', vars);
  if (IDENTIFIER.test(expression) && isScalar(expression)) return vars[expression];
  throw new MetricError('Render', `query template: ${explainUnknown(expression)}`);
}

function lookupVariable(key: string, vars: TemplateVars): string {
  const value = Object.hasOwn(vars.variables, key) ? vars.variables[key] : undefined;
  if (value === undefined) {
    throw new MetricError('Render', `query template uses {{ variables.${key} }} but the metric's templateVariables has no "${key}"`);
  }
  return value;
}

function explainUnknown(expression: string): string {
  if (expression === 'variables') return '{{ variables }} is a map: use {{ variables.<key> }}';
  if (expression.startsWith('.')) {
    return `{{ ${expression} }} is not available: the variables are written without a dot, e.g. {{ namespace }}`;
  }
  if (expression === '') return 'empty action {{ }}';
  return `unknown {{ ${expression} }}: available are ${AVAILABLE}`;
}

const isScalar = (name: string): name is Scalar => (SCALARS as readonly string[]).includes(name);

const leadingWhitespace = (text: string): number => text.length - text.trimStart().length;
