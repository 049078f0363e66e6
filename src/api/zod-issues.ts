import type { z } from 'zod';
import { DURATION_PATTERN } from './common.js';
import { type JsonSchema, schemaAt, schemaTypeName } from './json-schema.js';
import { describeValue, errorIssue, formatPath, type PathSegment, type ValidationIssue, valueAt } from './issues.js';
import { closest } from './suggest.js';

type ZodIssue = z.core.$ZodIssue;

/** What to write instead, for the fields users most often leave out. */
const REQUIRED_HINTS: Record<string, string> = {
  'spec.targetRef':
    'add targetRef: the workload to roll out, e.g. {apiVersion: apps/v1, kind: Deployment, name: podinfo}',
  'spec.analysis':
    'add analysis: interval, threshold and one of stepWeight (canary), stepWeights or iterations (A/B, blue/green)',
  'spec.query': 'add query: the query template, e.g. PromQL using {{ namespace }}, {{ target }} and {{ interval }}',
  'spec.provider': 'add provider with at least type (e.g. prometheus) and address',
  'spec.service.port': 'add port: the ClusterIP port of the Services Pennant generates, e.g. 80',
};

/**
 * Turns zod's issues into ours: the path as users write it, a short statement of what is wrong
 * (`expected number, got "10%"`) and a hint saying what to do. Values are read from `doc`, not from
 * zod, so every message quotes what the user wrote.
 */
export function formatZodIssues(issues: readonly ZodIssue[], doc: unknown, root: JsonSchema): ValidationIssue[] {
  return issues.map((issue) => {
    const path = issue.path.filter((s): s is PathSegment => typeof s !== 'symbol');
    const input = valueAt(doc, path);
    const field = schemaAt(root, path);
    if (input === undefined || input === null) return errorIssue(requiredIssue(path, field, input === null));
    return errorIssue({ path, ...describeIssue(issue, input, field) });
  });
}

/** `empty`: the key is there with no value (`query:`), which Kubernetes treats as absent. */
function requiredIssue(path: PathSegment[], field: JsonSchema | undefined, empty: boolean) {
  const key = path[path.length - 1];
  const generic = field === undefined ? `add ${String(key)}` : requiredHint(String(key), field);
  const hint = REQUIRED_HINTS[formatPath(path).replace(/\[\d+\]/g, '[]')] ?? generic;
  if (!empty) return { path, message: 'required', hint };
  return { path, message: 'required, but the value is empty', hint: hint.replace(/^add /, 'set ') };
}

function requiredHint(key: string, field: JsonSchema): string {
  const values = enumValues(field);
  const what = values === undefined ? `a ${schemaTypeName(field)}` : `one of ${values.join(', ')}`;
  return `add ${key}: ${what}${field.description === undefined ? '' : ` (${field.description})`}`;
}

function describeIssue(issue: ZodIssue, input: unknown, field: JsonSchema | undefined) {
  const got = describeValue(input);
  switch (issue.code) {
    case 'invalid_type': {
      // zod reports `.int()` on a string as "expected number": the schema knows better
      const expected = issue.expected === 'number' && field?.type === 'integer' ? 'integer' : typeWord(issue.expected);
      return { message: `expected ${expected}, got ${got}`, hint: typeHint(expected, input) };
    }
    case 'invalid_value':
      return enumIssue(issue.values, input);
    case 'too_small':
    case 'too_big':
      return rangeIssue(issue, got);
    case 'invalid_format':
      return formatIssue(issue, got);
    case 'invalid_union': {
      const expected = field === undefined ? 'another type' : schemaTypeName(field);
      const example = expected === 'integer or string' ? 'a whole number or a name' : `a ${expected}`;
      return { message: `expected ${expected}, got ${got}`, hint: `write ${example}` };
    }
    default:
      return { message: issue.message, hint: 'fix the value' };
  }
}

const TYPE_WORDS: Record<string, string> = { int: 'integer', object: 'map', record: 'map', array: 'list' };
const typeWord = (expected: string): string => TYPE_WORDS[expected] ?? expected;

function typeHint(expected: string, input: unknown): string {
  switch (expected) {
    case 'number':
    case 'integer':
      return numberHint(expected, input);
    case 'string':
      return `quote the value: "${typeof input === 'object' ? '...' : String(input)}"`;
    case 'boolean':
      return 'write true or false, without quotes';
    case 'map':
      return 'write the fields as "key: value" lines indented under this key';
    case 'list':
      return 'write each item on its own line starting with "- "';
    default:
      return `write a ${expected}`;
  }
}

function numberHint(expected: string, input: unknown): string {
  if (typeof input === 'number') return 'use a whole number';
  if (typeof input === 'string') {
    const bare = input.trim().replace(/%$/, '');
    if (bare !== '' && Number.isFinite(Number(bare))) {
      return bare === input.trim() ? `remove the quotes: ${bare}` : `write the number without "%": ${bare}`;
    }
  }
  return `write ${expected === 'integer' ? 'a whole number' : 'a number'}, e.g. 10`;
}

function enumIssue(values: readonly unknown[], input: unknown) {
  const shown = values.map((v) => (v === '' ? '""' : String(v)));
  const got = describeValue(input);
  const message = shown.length === 1 ? `must be ${shown[0]}, got ${got}` : `must be one of ${shown.join(', ')}; got ${got}`;
  const suggestion = typeof input === 'string' ? closest(input, values.map(String)) : undefined;
  return { message, hint: suggestion === undefined ? 'use one of the values listed' : `did you mean "${suggestion}"?` };
}

function rangeIssue(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, got: string) {
  const small = issue.code === 'too_small';
  const bound = Number(small ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  if (issue.origin === 'string' && small && bound === 1) {
    return { message: 'must not be empty', hint: 'give it a value, or remove the field' };
  }
  const unit = issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : '';
  const relation = small ? (inclusive ? 'at least' : 'more than') : inclusive ? 'at most' : 'less than';
  const subject = issue.origin === 'array' || issue.origin === 'string' ? 'must have' : 'must be';
  const limit = `${relation} ${bound}${unit}`;
  return { message: `${subject} ${limit}, got ${got}`, hint: `use a value ${limit}` };
}

function formatIssue(issue: z.core.$ZodIssueInvalidStringFormat, got: string) {
  if (issue.format === 'regex' && issue.pattern === String(DURATION_PATTERN)) {
    const hint = 'write a number followed by ms, s, m or h, e.g. 30s or 1m';
    return { message: `${issue.message}, got ${got}`, hint };
  }
  const rule = issue.pattern ?? issue.format;
  return { message: `must match ${rule}, got ${got}`, hint: 'fix the value to match the pattern' };
}

/** A field's allowed values, when it is an enum. */
export function enumValues(field: JsonSchema): string[] | undefined {
  return field.enum?.map((v) => (v === '' ? '""' : String(v)));
}
