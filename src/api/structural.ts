import { deref, type JsonSchema } from './json-schema.js';

/** Keywords a structural CRD schema may carry, in the order we print them. */
const KEY_ORDER = [
  'description', 'type', 'format', 'enum', 'nullable', 'default',
  'minimum', 'exclusiveMinimum', 'maximum', 'exclusiveMaximum', 'multipleOf',
  'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'minProperties', 'maxProperties',
  'anyOf', 'items', 'properties', 'additionalProperties', 'required',
] as const;

/** zod's bounds for `.int()` are JavaScript's safe integers: not a constraint anyone wrote. */
const IMPLICIT_BOUNDS = new Set([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]);

/**
 * Rewrites zod's JSON Schema into a structural schema the API server accepts: local `$ref`s inlined,
 * closed objects left open to the server's pruning (no `additionalProperties: false`), loose objects
 * marked `x-kubernetes-preserve-unknown-fields`, int-or-string in the one `anyOf` form Kubernetes allows,
 * and keys in a fixed order so the generated YAML is stable. Any other junctor is a schema the API
 * server would reject, so it throws rather than emit it.
 */
export function toStructural(node: JsonSchema, root: JsonSchema = node, path = '#'): JsonSchema {
  const schema = deref(node, root);
  if (schema['x-kubernetes-int-or-string'] === true) return intOrString(schema);
  for (const junctor of ['anyOf', 'oneOf', 'allOf', 'not']) {
    if (schema[junctor] !== undefined) {
      throw new Error(`${path}: ${junctor} is not structural; use int-or-string or restructure the zod schema`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const key of KEY_ORDER) {
    const value = schema[key];
    if (value === undefined) continue;
    if ((key === 'minimum' || key === 'maximum') && IMPLICIT_BOUNDS.has(value as number)) continue;
    const converted = convertKeyword(key, value, root, path);
    if (converted !== undefined) out[key] = converted;
  }
  if (out.additionalProperties === undefined && isOpen(schema.additionalProperties)) {
    out['x-kubernetes-preserve-unknown-fields'] = true;
  }
  for (const key of Object.keys(schema).filter((k) => k.startsWith('x-kubernetes-')).sort()) out[key] = schema[key];
  return out as JsonSchema;
}

function convertKeyword(key: string, value: unknown, root: JsonSchema, path: string): unknown {
  switch (key) {
    case 'items':
      return toStructural(value as JsonSchema, root, `${path}/items`);
    case 'properties':
      return Object.fromEntries(
        Object.entries(value as Record<string, JsonSchema>).map(([name, child]) => [
          name,
          toStructural(child, root, `${path}/${name}`),
        ]),
      );
    case 'additionalProperties':
      // false is the server's default (pruning); an empty schema means "anything", said another way
      return typeof value === 'object' && value !== null && Object.keys(value).length > 0
        ? toStructural(value as JsonSchema, root, `${path}/*`)
        : undefined;
    default:
      return value;
  }
}

const isOpen = (value: unknown): boolean =>
  value === true || (typeof value === 'object' && value !== null && Object.keys(value).length === 0);

function intOrString(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  if (schema.description !== undefined) out.description = schema.description;
  out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  out['x-kubernetes-int-or-string'] = true;
  return out;
}
