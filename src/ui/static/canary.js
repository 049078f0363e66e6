import { weightChart, CHART } from './chart-model.js';
import { definitions, el, follow } from './dom.js';
import { ago, checkText, weightText } from './table-model.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const namespace = params.get('namespace') ?? 'default';
const name = params.get('name') ?? '';
const key = `${namespace}/${name}`;
const SVG = 'http://www.w3.org/2000/svg';
let latest;

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = String(text);
  return node;
}

function renderChart(detail) {
  const chart = weightChart(detail.history, Date.now(), detail.row.maxWeight ?? 100);
  const { width, height, left, right, bottom } = CHART;
  const label = `Canary weight over time: ${detail.history.map((p) => p.weight).join(', ') || 'no changes seen yet'}`;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label });
  root.append(svg('title', {}, label));
  for (const tick of chart.ticks) {
    root.append(svg('line', { class: 'axis', x1: left, x2: width - right, y1: tick.y, y2: tick.y, 'stroke-dasharray': '2 4' }));
    root.append(svg('text', { x: left - 6, y: tick.y + 4, 'text-anchor': 'end' }, `${tick.weight}%`));
  }
  root.append(svg('line', { class: 'axis', x1: left, x2: width - right, y1: height - bottom, y2: height - bottom }));
  root.append(svg('path', { class: 'weight', d: chart.d }));
  for (const p of chart.points) {
    const dot = svg('circle', { class: 'point', cx: p.x, cy: p.y, r: 3, 'data-weight': p.weight });
    dot.append(svg('title', {}, `${p.weight}% at ${new Date(p.time).toLocaleTimeString()} (${p.phase})`));
    root.append(dot);
  }
  root.append(svg('text', { x: left, y: height - 8 }, new Date(chart.start).toLocaleTimeString()));
  root.append(svg('text', { x: width - right, y: height - 8, 'text-anchor': 'end' }, 'now'));
  $('chart').replaceChildren(root);
  const steps = detail.history.map((p, i) => `${p.weight}%${p.phase !== detail.history[i - 1]?.phase ? ` (${p.phase})` : ''}`);
  $('chart-caption').textContent = `Weights seen since the view started: ${steps.join(' → ') || '-'}`;
}

function thresholdText(check) {
  const bounds = [];
  if (check.min !== undefined) bounds.push(`≥ ${check.min}`);
  if (check.max !== undefined) bounds.push(`≤ ${check.max}`);
  return bounds.join(' and ') || '-';
}

function rows(target, items, cells) {
  document.querySelector(`#${target} tbody`).replaceChildren(...(items.length ? items.map((item) => el('tr', {}, ...cells(item).map((c) => el('td', {}, c)))) : [el('tr', {}, el('td', { colspan: 6 }, 'none'))]));
}

function render(detail) {
  latest = detail;
  const row = detail.row;
  document.title = `${row.name} (${row.namespace}) · Pennant`;
  $('title').textContent = `${row.namespace}/${row.name}`;
  const gate = row.paused ? `paused: ${row.paused}` : row.gate ? `${row.gate.type} closed since ${ago(row.gate.since, Date.now())}` : 'open';
  definitions($('summary'), [
    ['Phase', row.phase], ['Weight', weightText(row)], ['Failed checks', `${row.failedChecks} of ${row.threshold}`],
    ['In phase', ago(row.since, Date.now())], ['Gate', gate], ['Message', row.message ?? '-'],
    ...(row.problem ? [['Not ready', row.problem]] : []),
    ...(row.lastRequest ? [['Last request', `${row.lastRequest.verb ?? '?'} by ${row.lastRequest.by ?? '?'}: ${row.lastRequest.outcome}: ${row.lastRequest.message}`]] : []),
    ['Analysis', Object.entries(detail.analysis).map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(',') : v}`).join(', ') || '-'],
  ]);
  renderChart(detail);
  rows('checks', row.checks, (c) => [c.name, c.kind, c.value ?? '-', thresholdText(c), el('span', { class: `verdict-${c.verdict}` }, checkText(c)), c.message ?? '']);
  rows('conditions', detail.conditions, (c) => [c.type, c.status, c.reason ?? '', c.message ?? '']);
  rows('events', detail.events, (e) => [el('time', { datetime: e.last }, `${ago(e.last, Date.now())} ago`), e.type, e.reason, e.count, e.message]);
  $('events-problem').hidden = !detail.eventsProblem;
  $('events-problem').textContent = detail.eventsProblem ?? '';
  definitions($('annotations'), Object.entries(detail.annotations));
  $('actions').hidden = !detail.actions;
}

async function ask(verb) {
  const result = $('action-result');
  if (!confirm(`${verb} ${key}?`)) return;
  result.textContent = `asking to ${verb}…`;
  const response = await fetch(`/ui/api/canaries/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/${verb}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const body = await response.json();
  result.textContent = response.ok ? `${verb} requested; the controller answers under Last request` : `${verb} refused: ${body.error}`;
}

for (const button of document.querySelectorAll('#actions button')) button.addEventListener('click', () => ask(button.dataset.verb));

async function start() {
  const response = await fetch(`/ui/api/canaries/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`);
  const first = await response.json();
  if (!response.ok) {
    $('title').textContent = first.error;
    return;
  }
  const actions = first.actions;
  render(first);
  follow(`/ui/events?${new URLSearchParams({ canary: key })}`, {
    canary: (detail) => render({ ...detail, actions }),
    gone: () => ($('connection').textContent = `${key} was deleted`),
  }, $('connection'));
  setInterval(() => latest && renderChart(latest), 10_000);
}

start();
