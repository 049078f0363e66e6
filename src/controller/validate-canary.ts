import { canary as canarySchema, type Canary, canaryStatus, type CanaryStatus, type Provider } from '../api/index.js';
import type { KubeObject } from '../kube/types.js';
import type { CanaryRules } from './rules.js';

export type ParsedCanary =
  | { ok: true; canary: Canary; warnings: string[] }
  | { ok: false; meta: Pick<Canary, 'metadata' | 'status'>; message: string };

/** Problems are reported at most this many at a time: a condition is not a log. */
const MAX_PROBLEMS = 5;

/**
 * Parses a Canary from the cache. One that does not validate is reported with each problem's field
 * path; its status is still read so that the report can be written back. One that validates with
 * warnings is accepted, and its warnings are handed on to be recorded.
 */
export function parseCanary(raw: KubeObject, rules: CanaryRules, defaultProvider: Provider): ParsedCanary {
  const { errors, warnings } = rules(raw, defaultProvider);
  const parsed = canarySchema.safeParse(raw);
  if (parsed.success && errors.length === 0) return { ok: true, canary: parsed.data, warnings };
  const messages = errors.length
    ? errors
    : (parsed.error?.issues ?? []).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  const status = canaryStatus.safeParse(raw.status ?? {});
  const meta = { metadata: raw.metadata, status: status.success ? status.data : ({} as CanaryStatus) };
  return { ok: false, meta, message: messages.slice(0, MAX_PROBLEMS).join('; ') };
}
