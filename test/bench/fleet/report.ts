/** What one controller did over one measured window, per analysis interval. */
export interface WindowFigures {
  apiRequestsPerInterval: number;
  apiReadsPerInterval: number;
  leasesPerInterval: number;
  promQueriesPerInterval: number;
  cpuSecondsPerInterval: number;
  /** `verb resource` → requests per interval. */
  byVerbResource: Record<string, number>;
}

export interface RunFigures {
  controller: 'pennant' | 'flagger';
  canaries: number;
  progressing: number;
  provider: string;
  intervalSeconds: number;
  intervals: number;
  unrelated: number;
  /** The window the top-level figures describe: `progressing` when some canaries are, else `idle`. */
  apiRequestsPerInterval: number;
  apiReadsPerInterval: number;
  promQueriesPerInterval: number;
  cpuSecondsPerInterval: number;
  /** Highest resident set size sampled over the whole run. */
  rssMiB: number;
  /** Its live heap at the end of the run (Node's heap used, Go's heap in use), from its /metrics. */
  heapUsedMiB: number | null;
  reconcileP50Ms: number | null;
  reconcileP99Ms: number | null;
  /** How long a change (or a due step) waited for a worker, p99 over the window; null without that histogram. */
  queueWaitP99Ms: number | null;
  initializeSeconds: number;
  bumpToProgressingSeconds: { p50: number; max: number } | null;
  /** A revision answering only errors: from the bump to Failed with all traffic on the primary. */
  failureToRollbackSeconds: number | null;
  idle: WindowFigures;
  progressingWindow: WindowFigures | null;
}

export interface BenchResult extends RunFigures {
  peer?: RunFigures;
}

const round = (n: number, digits = 2): number => Number(n.toFixed(digits));

export function perInterval(total: number, intervals: number): number {
  return round(total / Math.max(1, intervals));
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

type Row = [label: string, pick: (f: RunFigures) => number | null | undefined];

const ROWS: Row[] = [
  ['API requests / interval', (f) => f.apiRequestsPerInterval],
  ['  of which reads (get, list)', (f) => f.apiReadsPerInterval],
  ['API requests / interval, idle', (f) => f.idle.apiRequestsPerInterval],
  ['PromQL queries / interval', (f) => f.promQueriesPerInterval],
  ['RSS MiB (max)', (f) => f.rssMiB],
  ['  live heap MiB at the end', (f) => f.heapUsedMiB],
  ['CPU s / interval', (f) => f.cpuSecondsPerInterval],
  ['reconcile p50 ms', (f) => f.reconcileP50Ms],
  ['reconcile p99 ms', (f) => f.reconcileP99Ms],
  ['work queue wait p99 ms (changes)', (f) => f.queueWaitP99Ms],
  ['all Initialized after s', (f) => f.initializeSeconds],
  ['bump → Progressing s (p50)', (f) => f.bumpToProgressingSeconds?.p50],
  ['bump → Progressing s (max)', (f) => f.bumpToProgressingSeconds?.max],
  ['faulty bump → rolled back s', (f) => f.failureToRollbackSeconds],
];

const cell = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : String(round(v)));

/** A table of the figures; with a peer, side by side with peer ÷ pennant. */
export function formatTable(result: BenchResult): string {
  const { peer } = result;
  const head = `${result.canaries} canaries (${result.progressing} progressing), provider ${result.provider}, interval ${result.intervalSeconds}s, ${result.intervals} intervals measured, ${result.unrelated} unrelated Secrets/ConfigMaps`;
  const lines = [head, '', peer ? `| | pennant | ${peer.controller} | ${peer.controller} ÷ pennant |` : '| | pennant |', peer ? '|---|---:|---:|---:|' : '|---|---:|'];
  for (const [label, pick] of ROWS) {
    const ours = pick(result);
    if (!peer) {
      lines.push(`| ${label} | ${cell(ours)} |`);
      continue;
    }
    const theirs = pick(peer);
    const ratio = ours && theirs !== null && theirs !== undefined ? cell(theirs / ours) : '—';
    lines.push(`| ${label} | ${cell(ours)} | ${cell(theirs)} | ${ratio} |`);
  }
  const window = result.progressingWindow ?? result.idle;
  const verbs = Object.entries(window.byVerbResource).sort((a, b) => b[1] - a[1]).slice(0, 8);
  lines.push('', `pennant's requests / interval by verb and resource: ${verbs.map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`);
  if (peer) {
    const theirs = Object.entries((peer.progressingWindow ?? peer.idle).byVerbResource).sort((a, b) => b[1] - a[1]).slice(0, 8);
    lines.push(`${peer.controller}'s: ${theirs.map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`);
  }
  return lines.join('\n');
}
