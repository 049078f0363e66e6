/**
 * Which labels and annotations of the target Deployment's own metadata reach `<target>-primary`
 * (`pennant run --include-label-prefix`, Flagger's `-include-label-prefix`): those whose key starts
 * with one of the prefixes, every one with `*`, none without a prefix (Flagger's default). The pod
 * template's labels and annotations are always copied in full: they are what the pods run with.
 */

/**
 * Never copied, whatever the prefixes: a GitOps tool's bookkeeping (Flux's `*.toolkit.fluxcd.io/*`,
 * Pennant's GitSource labels), which would make it adopt or prune the primary as its own object,
 * and what the API server and its controllers keep on the target itself.
 */
const NEVER_COPIED: readonly ((key: string) => boolean)[] = [
  (key) => key.includes('toolkit.fluxcd.io'),
  (key) => key.startsWith('pennant.dev/gitsource'),
  (key) => key === 'kubectl.kubernetes.io/last-applied-configuration',
  (key) => key === 'deployment.kubernetes.io/revision',
];

export const ALL_PREFIXES = '*';

/** The entries of `source` whose key one of `prefixes` selects. */
export function includeByPrefix(source: Record<string, string> | undefined, prefixes: readonly string[]): Record<string, string> {
  const selected = (key: string): boolean => prefixes.some((p) => p === ALL_PREFIXES || (p !== '' && key.startsWith(p)));
  return Object.fromEntries(Object.entries(source ?? {}).filter(([key]) => selected(key) && !NEVER_COPIED.some((never) => never(key))));
}
