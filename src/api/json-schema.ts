import { z } from 'zod';
import type { PathSegment } from './issues.js';

/** The subset of JSON Schema (OpenAPI 3.0 flavour) that zod emits for our schemas. */
export interface JsonSchema {
  type?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  [keyword: string]: unknown;
}

const cache = new WeakMap<z.ZodType, JsonSchema>();

/**
 * The JSON Schema of what a user may write (`io: 'input'`), shared by the unknown-field check and
 * the CRD generator so that both see the same fields as the zod schemas.
 */
export function inputJsonSchema(schema: z.ZodType): JsonSchema {
  let json = cache.get(schema);
  if (json === undefined) {
    json = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' }) as JsonSchema;
    cache.set(schema, json);
  }
  return json;
}

/** Follows a local `$ref` (`#/definitions/x`, `#/$defs/x`); zod only emits them for recursive schemas. */
export function deref(node: JsonSchema, root: JsonSchema): JsonSchema {
  let current = node;
  for (let hops = 0; current.$ref !== undefined && hops < 32; hops++) {
    const steps = current.$ref.replace(/^#\//, '').split('/');
    let target: unknown = root;
    for (const step of steps) target = (target as Record<string, unknown> | undefined)?.[step];
    if (target === undefined) return current;
    current = target as JsonSchema;
  }
  return current;
}

/** The schema of the child at `segment`, or undefined if the schema says nothing about it. */
export function childSchema(node: JsonSchema, segment: PathSegment, root: JsonSchema): JsonSchema | undefined {
  const self = deref(node, root);
  for (const branch of self.anyOf ?? self.oneOf ?? []) {
    const found = childSchema(branch, segment, root);
    if (found !== undefined) return found;
  }
  if (typeof segment === 'number') return self.items === undefined ? undefined : deref(self.items, root);
  // own keys only: `constructor` or `toString` in a manifest is not a field of the schema
  const property = self.properties && Object.hasOwn(self.properties, segment) ? self.properties[segment] : undefined;
  if (property !== undefined) return deref(property, root);
  return typeof self.additionalProperties === 'object' ? deref(self.additionalProperties, root) : undefined;
}

export function schemaAt(root: JsonSchema, path: readonly PathSegment[]): JsonSchema | undefined {
  let node: JsonSchema | undefined = root;
  for (const segment of path) {
    if (node === undefined) return undefined;
    node = childSchema(node, segment, root);
  }
  return node;
}

/** A schema's type in YAML words: map and list rather than object and array. */
export function schemaTypeName(node: JsonSchema): string {
  if (node.anyOf !== undefined) {
    return [...new Set(node.anyOf.map(schemaTypeName))].join(' or ');
  }
  switch (node.type) {
    case 'object':
      return 'map';
    case 'array':
      return 'list';
    case undefined:
      return 'value';
    default:
      return node.type;
  }
}
