import { canary as canarySchema, type Canary, canaryStatus, type CanaryStatus } from '../api/index.js';
import type { KubeObject } from '../kube/types.js';

export type ParsedCanary =
  | { ok: true; canary: Canary }
  | { ok: false; meta: Pick<Canary, 'metadata' | 'status'>; message: string };

/**
 * Parses a Canary from the cache. A spec that does not parse is reported with the field path of each
 * problem; its status is still read so that the report can be written back.
 */
export function parseCanary(raw: KubeObject, rules: (c: Canary) => string[]): ParsedCanary {
  const parsed = canarySchema.safeParse(raw);
  if (!parsed.success) {
    const message = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    const status = canaryStatus.safeParse(raw.status ?? {});
    const meta = { metadata: raw.metadata, status: status.success ? status.data : ({} as CanaryStatus) };
    return { ok: false, meta, message };
  }
  const problems = rules(parsed.data);
  if (problems.length) return { ok: false, meta: parsed.data, message: problems.join('; ') };
  return { ok: true, canary: parsed.data };
}
