import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ControllerMetrics } from '../../../src/controller/metrics.js';
import { dashboardsDir } from './manifests.js';
import { legendLabels, parseQuery } from './promql.js';

interface Target { expr?: string; legendFormat?: string; datasource?: unknown; refId?: string }
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: unknown;
  targets?: Target[];
  panels?: Panel[];
}
interface Variable { name: string; type: string; query?: unknown; definition?: string; datasource?: unknown }
interface Dashboard { uid: string; title: string; schemaVersion: number; panels: Panel[]; templating: { list: Variable[] } }

const files = readdirSync(dashboardsDir).filter((f) => f.endsWith('.json')).sort();
const load = (file: string): Dashboard => JSON.parse(readFileSync(path.join(dashboardsDir, file), 'utf8')) as Dashboard;
const allPanels = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
const GRAFANA_VARIABLES = new Set(['__rate_interval', '__interval', '__range', '__range_s', '__interval_ms']);
const AGGREGATIONS = /\b(sum|min|max|avg|count|topk|bottomk|group|stddev|stdvar|quantile)\b/;

/** Series Prometheus will store for each registered metric, with the labels each carries. */
async function registeredSeries(): Promise<Map<string, Set<string>>> {
  const metrics = new ControllerMetrics();
  const series = new Map<string, Set<string>>();
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    // prom-client keeps labelNames on the metric object; getMetricsAsJSON lists no labels before a value is set.
    const labelNames: unknown = (metrics.registry.getSingleMetric(metric.name) as unknown as { labelNames?: unknown }).labelNames;
    if (!Array.isArray(labelNames)) throw new Error(`prom-client no longer exposes labelNames of ${metric.name}`);
    const labels = new Set(labelNames as string[]);
    const type = String(metric.type);
    const suffixes = type === 'histogram' ? ['_bucket', '_sum', '_count'] : type === 'summary' ? ['', '_sum', '_count'] : [''];
    for (const suffix of suffixes) series.set(metric.name + suffix, suffix === '_bucket' ? new Set([...labels, 'le']) : labels);
  }
  return series;
}

/** Every PromQL expression of a dashboard: panel targets and query variables. */
function queries(d: Dashboard): { where: string; expr: string; legendFormat?: string }[] {
  const found: { where: string; expr: string; legendFormat?: string }[] = [];
  for (const panel of allPanels(d.panels)) {
    for (const t of panel.targets ?? []) {
      if (t.expr !== undefined) found.push({ where: `${d.title} / ${panel.title} / ${t.refId}`, expr: t.expr, ...(t.legendFormat ? { legendFormat: t.legendFormat } : {}) });
    }
  }
  for (const v of d.templating.list.filter((v) => v.type === 'query')) {
    const q = typeof v.query === 'string' ? v.query : (v.query as { query?: string } | undefined)?.query;
    if (q) found.push({ where: `${d.title} / $${v.name}`, expr: q });
  }
  return found;
}

describe('dashboards/', () => {
  let series: Map<string, Set<string>>;
  beforeAll(async () => {
    series = await registeredSeries();
  });

  it('has the canary and controller dashboards, each with its own uid', () => {
    expect(files).toEqual(['pennant-canary.json', 'pennant-controller.json']);
    const uids = files.map((f) => load(f).uid);
    expect(new Set(uids).size).toBe(uids.length);
  });

  describe.each(files)('%s', (file) => {
    const d = load(file);
    const panels = allPanels(d.panels);

    it('is a current Grafana dashboard with unique panel ids and a non-overlapping layout', () => {
      expect(d.schemaVersion).toBeGreaterThanOrEqual(36);
      expect(d.schemaVersion).toBeLessThanOrEqual(41);
      const ids = panels.map((p) => p.id);
      expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
      expect(new Set(ids).size, 'panel ids').toBe(ids.length);
      const cells = new Set<string>();
      for (const p of d.panels) {
        const { x, y, w, h } = p.gridPos;
        expect(x + w, p.title).toBeLessThanOrEqual(24);
        for (let i = x; i < x + w; i++) for (let j = y; j < y + h; j++) {
          expect(cells.has(`${i},${j}`), `${p.title} overlaps another panel`).toBe(false);
          cells.add(`${i},${j}`);
        }
      }
    });

    it('queries Prometheus through the datasource variable', () => {
      const dsVar = d.templating.list.find((v) => v.name === 'datasource');
      expect(dsVar).toMatchObject({ type: 'datasource', query: 'prometheus' });
      for (const p of panels.filter((p) => p.type !== 'row')) {
        expect(p.datasource, p.title).toEqual(DATASOURCE);
        for (const t of p.targets ?? []) expect(t.datasource, p.title).toEqual(DATASOURCE);
      }
      for (const v of d.templating.list.filter((v) => v.type === 'query')) expect(v.datasource, v.name).toEqual(DATASOURCE);
    });

    it('uses only variables it defines', () => {
      const defined = new Set(d.templating.list.map((v) => v.name));
      for (const q of queries(d)) {
        for (const m of q.expr.matchAll(/\$\{([a-zA-Z_][a-zA-Z0-9_]*)(?::[^}]*)?\}|\$([a-zA-Z_][a-zA-Z0-9_]*)/g)) {
          const name = m[1] ?? m[2] ?? '';
          expect(defined.has(name) || GRAFANA_VARIABLES.has(name), `${q.where}: $${name}`).toBe(true);
        }
      }
    });

    it('reads only series ControllerMetrics registers, with labels they carry', () => {
      for (const q of queries(d)) {
        const parsed = parseQuery(q.expr);
        expect(parsed.unknown, `${q.where}: ${q.expr}`).toEqual([]);
        expect(parsed.selectors.length, `${q.where}: reads no metric`).toBeGreaterThan(0);
        const labelsInExpr = new Set<string>();
        for (const s of parsed.selectors) {
          const labels = series.get(s.metric);
          expect(labels, `${q.where}: ${s.metric} is not a series of ControllerMetrics`).toBeDefined();
          for (const m of s.matchers) expect([...(labels ?? [])], `${q.where}: ${s.metric}{${m.label}}`).toContain(m.label);
          for (const l of labels ?? []) labelsInExpr.add(l);
        }
        for (const l of parsed.groupingLabels) expect([...labelsInExpr], `${q.where}: by (${l})`).toContain(l);
        // After an aggregation only its `by` labels are left for the legend.
        const legendCanUse = AGGREGATIONS.test(q.expr) ? new Set(parsed.groupingLabels) : labelsInExpr;
        for (const l of legendLabels(q.legendFormat ?? '')) expect([...legendCanUse], `${q.where}: legend {{${l}}}`).toContain(l);
      }
    });
  });

  it('lets the canary dashboard pick a namespace and a Canary from pennant_canary_status', () => {
    const vars = load('pennant-canary.json').templating.list;
    const query = (name: string) => {
      const v = vars.find((x) => x.name === name);
      return typeof v?.query === 'string' ? v.query : (v?.query as { query?: string } | undefined)?.query;
    };
    expect(query('namespace')).toBe('label_values(pennant_canary_status, namespace)');
    expect(query('name')).toBe('label_values(pennant_canary_status{namespace="$namespace"}, name)');
  });
});

describe('the PromQL checker itself', () => {
  it('finds metrics, matchers and grouping labels', () => {
    const q = parseQuery('histogram_quantile(0.99, sum by (le) (rate(pennant_reconcile_duration_seconds_bucket{result="ok"}[$__rate_interval])))');
    expect(q).toEqual({
      selectors: [{ metric: 'pennant_reconcile_duration_seconds_bucket', matchers: [{ label: 'result', op: '=', value: 'ok' }] }],
      groupingLabels: ['le'],
      unknown: [],
    });
    expect(parseQuery('count(pennant_canary_status == 2) or vector(0)').selectors.map((s) => s.metric)).toEqual(['pennant_canary_status']);
    expect(parseQuery('label_values(pennant_canary_status{namespace="$namespace"}, name)').groupingLabels).toEqual(['name']);
  });

  it('reports what it does not know', () => {
    expect(parseQuery('rat(pennant_info[5m])').unknown).toEqual(['rat']);
    expect(parseQuery('pennant_info{namespace~"x"}').unknown).toEqual(['matcher "namespace~"x""']);
    expect(parseQuery('sum(pennant_typo_total)').selectors.map((s) => s.metric)).toEqual(['pennant_typo_total']);
  });
});
