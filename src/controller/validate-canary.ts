import { canary as canarySchema, type Canary, canaryStatus, type CanaryStatus } from '../api/index.js';
import type { KubeObject } from '../kube/types.js';

export type ParsedCanary =
  | { ok: true; canary: Canary }
  | { ok: false; meta: Pick<Canary, 'metadata' | 'status'>; message: string };

/** Problems are reported at most this many at a time: a condition is not a log. */
const MAX_PROBLEMS = 5;

/**
 * Parses a Canary from the cache. One that does not validate is reported with each problem's field
 * path; its status is still read so that the report can be written back.
 */
export function parseCanary(raw: KubeObject, problemsOf: (raw: KubeObject) => string[]): ParsedCanary {
  const problems = problemsOf(raw);
  const parsed = canarySchema.safeParse(raw);
  if (parsed.success && problems.length === 0) return { ok: true, canary: parsed.data };
  const messages = problems.length
    ? problems
    : (parsed.error?.issues ?? []).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  const status = canaryStatus.safeParse(raw.status ?? {});
  const meta = { metadata: raw.metadata, status: status.success ? status.data : ({} as CanaryStatus) };
  return { ok: false, meta, message: messages.slice(0, MAX_PROBLEMS).join('; ') };
}
