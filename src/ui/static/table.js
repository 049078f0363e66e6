import { el, follow } from './dom.js';
import { ago, applyChanges, checkText, countByPhase, filterRows, sortRows, weightText } from './table-model.js';

const byKey = new Map();
/** Built rows by key, reused while their content is unchanged: an update redraws only what changed. */
const built = new Map();
const state = { namespace: '', phase: '', text: '', sort: 'namespace', direction: 'ascending' };
const $ = (id) => document.getElementById(id);
let pending = false;

function schedule() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    render();
  });
}

function rowElement(row) {
  const signature = JSON.stringify(row);
  const cached = built.get(row.key);
  if (cached && cached.signature === signature) return cached;
  const link = el('a', { href: `/ui/canary?${new URLSearchParams({ namespace: row.namespace, name: row.name })}` }, row.name);
  const checks = (row.checks ?? []).map((c) => el('span', { class: `check verdict-${c.verdict}` }, checkText(c)));
  const time = el('td', { class: 'num' }, ago(row.since, Date.now()));
  const tr = el('tr', { 'data-key': row.key },
    el('td', {}, row.namespace),
    el('th', { scope: 'row' }, link),
    el('td', { class: `phase-${row.phase}` }, row.phase, row.paused ? ' (paused)' : ''),
    el('td', { class: 'num' }, weightText(row)),
    el('td', { class: 'num' }, `${row.failedChecks}/${row.threshold}`),
    el('td', {}, checks.length ? checks : '-'),
    time);
  const entry = { signature, tr, time, since: row.since };
  built.set(row.key, entry);
  return entry;
}

function render() {
  const all = [...byKey.values()];
  const shown = sortRows(filterRows(all, state), state.sort, state.direction);
  document.querySelector('#canaries tbody').replaceChildren(...shown.map((row) => rowElement(row).tr));
  for (const key of [...built.keys()]) if (!byKey.has(key)) built.delete(key);
  $('shown').textContent = `${shown.length} of ${all.length} canaries shown`;
  renderCounts(all);
  renderNamespaces(all);
}

function renderCounts(rows) {
  const items = countByPhase(rows).map(([phase, count]) => {
    const button = el('button', { type: 'button', 'aria-pressed': state.phase === phase ? 'true' : 'false', 'data-phase': phase }, `${phase} ${count}`);
    button.addEventListener('click', () => setPhase(state.phase === phase ? '' : phase));
    return el('li', {}, button);
  });
  $('counts').replaceChildren(...items);
  const select = $('phase');
  const options = ['', ...countByPhase(rows).map(([phase]) => phase), ...(state.phase && !rows.some((r) => r.phase === state.phase) ? [state.phase] : [])];
  replaceOptions(select, options, state.phase);
}

function renderNamespaces(rows) {
  const namespaces = [...new Set(rows.map((r) => r.namespace))].sort();
  replaceOptions($('namespace'), ['', ...namespaces], state.namespace);
}

function replaceOptions(select, values, chosen) {
  const now = [...select.options].map((o) => o.value).join('\n');
  if (now !== values.join('\n')) select.replaceChildren(...values.map((v) => el('option', { value: v }, v || 'all')));
  select.value = chosen;
}

function setPhase(phase) {
  state.phase = phase;
  schedule();
}

function sortBy(key) {
  state.direction = state.sort === key && state.direction === 'ascending' ? 'descending' : 'ascending';
  state.sort = key;
  for (const th of document.querySelectorAll('#canaries th[aria-sort]')) {
    th.setAttribute('aria-sort', th.querySelector('button')?.dataset.sort === key ? state.direction : 'none');
  }
  schedule();
}

/** Time in phase moves on by itself: only those cells are rewritten. */
function tick() {
  const now = Date.now();
  for (const entry of built.values()) {
    const text = ago(entry.since, now);
    if (entry.time.textContent !== text) entry.time.textContent = text;
  }
}

$('namespace').addEventListener('change', (e) => ((state.namespace = e.target.value), schedule()));
$('phase').addEventListener('change', (e) => setPhase(e.target.value));
$('text').addEventListener('input', (e) => ((state.text = e.target.value), schedule()));
$('filters').addEventListener('submit', (e) => e.preventDefault());
for (const button of document.querySelectorAll('#canaries th button')) button.addEventListener('click', () => sortBy(button.dataset.sort));
setInterval(tick, 5000);

follow('/ui/events', {
  list: ({ rows, ready }) => {
    // The controller's /ui before its cache has synced (or on a standby replica, which has none).
    if (ready === false) $('connection').textContent = 'live; the controller has not synced its cache yet (a standby replica shows nothing)';
    byKey.clear();
    applyChanges(byKey, { upsert: rows });
    schedule();
  },
  rows: (changes) => {
    applyChanges(byKey, changes);
    schedule();
  },
}, $('connection'));
