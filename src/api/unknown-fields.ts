import { childSchema, deref, type JsonSchema } from './json-schema.js';
import { formatPath, type PathSegment, type ValidationIssue } from './issues.js';
import { closest } from './suggest.js';

const isMap = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Fields the schema does not know. The API server prunes them without a word, so a misspelt
 * `stepweight` would silently fall back to a default: we report each one, with a suggestion.
 * The zod schemas stay lenient (the controller must read whatever is stored); this walk is how
 * `pennant validate` is strict.
 */
export function findUnknownFields(doc: unknown, root: JsonSchema): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  walk(doc, root, [], root, issues);
  return issues;
}

function walk(value: unknown, node: JsonSchema, path: PathSegment[], root: JsonSchema, out: ValidationIssue[]): void {
  const schema = deref(node, root);
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      const items = childSchema(schema, index, root);
      if (items !== undefined) walk(item, items, [...path, index], root, out);
    });
    return;
  }
  if (!isMap(value) || !isClosedOrTyped(schema)) return;
  for (const [key, child] of Object.entries(value)) {
    const known = childSchema(schema, key, root);
    if (known !== undefined) walk(child, known, [...path, key], root, out);
    else if (isClosed(schema)) out.push(unknownField([...path, key], schema, root));
  }
}

/** `additionalProperties: {}` (a loose object such as metadata) accepts anything: nothing to check. */
const isOpen = (schema: JsonSchema): boolean =>
  schema.additionalProperties === true ||
  (typeof schema.additionalProperties === 'object' && Object.keys(schema.additionalProperties).length === 0);

const isClosed = (schema: JsonSchema): boolean => schema.properties !== undefined && !isOpen(schema) &&
  (schema.additionalProperties === undefined || schema.additionalProperties === false);

const isClosedOrTyped = (schema: JsonSchema): boolean =>
  !isOpen(schema) && (schema.properties !== undefined || typeof schema.additionalProperties === 'object' ||
    (schema.anyOf ?? schema.oneOf) !== undefined);

function unknownField(path: PathSegment[], parent: JsonSchema, root: JsonSchema): ValidationIssue {
  const key = String(path[path.length - 1]);
  const known = Object.keys(parent.properties ?? {});
  const sibling = closest(key, known);
  const tail = 'Kubernetes drops unknown fields without an error.';
  let hint: string;
  if (sibling !== undefined) hint = `did you mean "${sibling}"? ${tail}`;
  else {
    const home = nestedHome(key, parent, root);
    hint = home !== undefined
      ? `did you mean to put it under "${home}" (${formatPath([...path.slice(0, -1), home, key])})? ${tail}`
      : `remove it or fix its indentation; fields allowed here: ${known.join(', ')}`;
  }
  return { severity: 'error', anchor: 'key', path, message: `unknown field "${key}"`, hint };
}

/** A child map of `parent` that does have `key`: `spec.stepWeight` belongs under `analysis`. */
function nestedHome(key: string, parent: JsonSchema, root: JsonSchema): string | undefined {
  for (const [name, property] of Object.entries(parent.properties ?? {})) {
    const child = deref(property, root);
    if (child.properties !== undefined && key in child.properties) return name;
  }
  return undefined;
}
