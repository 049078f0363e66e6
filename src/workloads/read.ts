import type { z } from 'zod';
import type { ResourceType } from '../kube/types.js';
import { type ObjectReader, WorkloadError } from './types.js';

/** An object from the informer cache, parsed as the workload code reads it; one it cannot read is a WorkloadError. */
export function readParsed<T>(cache: ObjectReader, type: ResourceType, schema: z.ZodType<T>, namespace: string, name: string): T | undefined {
  const raw = cache.get(type, namespace, name);
  if (!raw) return undefined;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new WorkloadError(`${type.kind} ${namespace}/${name} cannot be read: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}
