// The table's pure parts: filtering, sorting, counts and the text of a cell. No DOM here, so the
// unit tier tests them as they run in the browser.

export const PHASES = ['Initializing', 'Initialized', 'Waiting', 'Progressing', 'WaitingPromotion', 'Promoting', 'Finalising', 'Succeeded', 'Failed', 'Terminating', 'Terminated'];

const num = (value) => (Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/\.?0+$/, ''));

/** `request-success-rate 99.8 ≥ 99 ✓`, as `pennant status` writes a check. */
export function checkText(check) {
  const ok = check.verdict === 'pass';
  const mark = ok ? '✓' : '✗';
  if (check.value === null || check.value === undefined) {
    const said = check.kind === 'webhook' ? (ok ? 'ok' : 'failed') : check.verdict === 'noData' ? 'no data' : check.verdict;
    return `${check.name} ${said} ${mark}`;
  }
  const bounds = [];
  if (check.min !== undefined) bounds.push(`${ok || check.value >= check.min ? '≥' : '<'} ${num(check.min)}`);
  if (check.max !== undefined) bounds.push(`${ok || check.value <= check.max ? '≤' : '>'} ${num(check.max)}`);
  return `${check.name} ${num(check.value)}${bounds.length ? ` ${bounds.join(' ')}` : ''} ${mark}`;
}

/** 45s, 3m20s, 2h5m, 3d4h: the time since `since` (RFC 3339), or '-'. */
export function ago(since, now) {
  const at = Date.parse(since ?? '');
  if (!Number.isFinite(at)) return '-';
  let s = Math.max(0, Math.floor((now - at) / 1000));
  const units = [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]];
  const parts = [];
  for (const [unit, size] of units) {
    if (s >= size || (unit === 's' && parts.length === 0)) {
      parts.push(`${Math.floor(s / size)}${unit}`);
      s %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join('');
}

export const weightText = (row) => (row.maxWeight !== undefined ? `${row.weight}/${row.maxWeight}` : String(row.weight));

/** Rows whose namespace and phase are the chosen ones (empty: any) and whose text contains `text`. */
export function filterRows(rows, { namespace = '', phase = '', text = '' } = {}) {
  const needle = text.trim().toLowerCase();
  return rows.filter(
    (row) =>
      (!namespace || row.namespace === namespace) &&
      (!phase || row.phase === phase) &&
      (!needle || searchText(row).includes(needle)),
  );
}

const searchText = (row) => `${row.namespace}/${row.name} ${row.phase} ${(row.checks ?? []).map((c) => c.name).join(' ')} ${row.message ?? ''}`.toLowerCase();

const SORT_KEYS = {
  namespace: (row) => `${row.namespace}/${row.name}`,
  name: (row) => `${row.name}/${row.namespace}`,
  phase: (row) => row.phase,
  weight: (row) => row.weight,
  failed: (row) => row.failedChecks,
  // Time in phase: an earlier `since` is a longer time; none known sorts as the shortest.
  since: (row) => {
    const at = Date.parse(row.since ?? '');
    return Number.isFinite(at) ? -at : Number.NEGATIVE_INFINITY;
  },
};

export const SORTABLE = Object.keys(SORT_KEYS);

/** A sorted copy; ties keep namespace/name order, so the table does not shuffle between updates. */
export function sortRows(rows, key = 'namespace', direction = 'ascending') {
  const of = SORT_KEYS[key] ?? SORT_KEYS.namespace;
  const sign = direction === 'descending' ? -1 : 1;
  const compare = (a, b) => {
    const x = of(a);
    const y = of(b);
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return order * sign || a.key.localeCompare(b.key);
  };
  return [...rows].sort(compare);
}

/** How many rows are in each phase, in the order of PHASES (then any phase it does not know). */
export function countByPhase(rows) {
  const counts = new Map();
  for (const row of rows) counts.set(row.phase, (counts.get(row.phase) ?? 0) + 1);
  const known = PHASES.filter((p) => counts.has(p)).map((p) => [p, counts.get(p)]);
  const other = [...counts].filter(([p]) => !PHASES.includes(p)).sort(([a], [b]) => a.localeCompare(b));
  return [...known, ...other];
}

/** Applies a `rows` frame (rows changed, keys removed) to the map of rows by key. */
export function applyChanges(byKey, { upsert = [], remove = [] }) {
  for (const row of upsert) byKey.set(row.key, row);
  for (const key of remove) byKey.delete(key);
  return byKey;
}
