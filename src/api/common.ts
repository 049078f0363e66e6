import { z } from 'zod';

/** Go-style duration as Flagger accepts it: "30s", "1m", "1m30s", "500ms", "2h". */
export const DURATION_PATTERN = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;

export const duration = z
  .string()
  .regex(DURATION_PATTERN, { message: 'expected a duration such as "30s", "1m" or "1m30s"' });

export const stringMap = z.record(z.string(), z.string());

export const metadataPatch = z.object({
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
});

/** `metadata` of a stored object: only the fields Pennant reads are typed, the rest is kept. */
export const objectMeta = z.looseObject({
  name: z.string().min(1).optional(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.number().optional(),
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
  deletionTimestamp: z.string().optional(),
  finalizers: z.array(z.string()).optional(),
  creationTimestamp: z.string().optional(),
});
export type ObjectMeta = z.infer<typeof objectMeta>;

export const namedRef = z.object({ name: z.string().min(1) });

export const crossNamespaceRef = z.object({
  name: z.string().min(1),
  namespace: z.string().optional(),
});

export const intOrString = z
  .union([z.number().int(), z.string()])
  .meta({ 'x-kubernetes-int-or-string': true });

/** exact/prefix/suffix/regex string match (Istio's StringMatch). */
export const stringMatch = z.object({
  exact: z.string().optional(),
  prefix: z.string().optional(),
  suffix: z.string().optional(),
  regex: z.string().optional().describe('RE2 regular expression'),
});
export type StringMatch = z.infer<typeof stringMatch>;

/** A condition in the style of metav1.Condition (Flagger's CanaryCondition plus observedGeneration). */
export const condition = z.object({
  type: z.string(),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string(),
  message: z.string().optional(),
  lastTransitionTime: z.string().optional(),
  lastUpdateTime: z.string().optional(),
  observedGeneration: z.number().optional(),
});
export type Condition = z.infer<typeof condition>;
