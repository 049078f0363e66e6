import { describe, expect, it } from 'vitest';
import { PHASES as API_PHASES } from '../../../src/api/index.js';
import { WeightHistory } from '../../../src/ui/history.js';
import { safeJson } from '../../../src/ui/safe-json.js';
import { sseFrame } from '../../../src/ui/sse.js';
import { detailOf, eventsOf, rowOf } from '../../../src/ui/view-model.js';
import { weightChart } from '../../../src/ui/static/chart-model.js';
import { ago, applyChanges, checkText, countByPhase, filterRows, PHASES, type Row, sortRows } from '../../../src/ui/static/table-model.js';
import { canaryObject, midAnalysis } from '../cli/operate-fixtures.js';

const NOW = new Date('2026-12-02T10:00:00Z');

describe('sseFrame', () => {
  it('names the event, puts the JSON on data lines and ends with a blank line', () => {
    expect(sseFrame('rows', { upsert: [], remove: ['a/b'] }, '7')).toBe('id: 7\nevent: rows\ndata: {"upsert":[],"remove":["a/b"]}\n\n');
  });

  it('keeps a payload with line breaks in one event (JSON escapes them) and refuses a name that would break the framing', () => {
    const frame = sseFrame('canary', { message: 'one\ntwo\r\nthree' });
    expect(frame.split('\n\n')).toHaveLength(2);
    expect(JSON.parse(frame.split('data: ')[1] ?? '')).toEqual({ message: 'one\ntwo\r\nthree' });
    expect(() => sseFrame('rows\ndata: x', {})).toThrow(/event name/);
  });
});

describe('safeJson', () => {
  it('writes <, >, & and U+2028 as escapes: a </script> in a value cannot end an element; JSON.parse gives the value back', () => {
    const value = { name: '</script><script>alert(1)</script>', note: 'a & b\u2028' };
    const text = safeJson(value);
    expect(text).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('view model', () => {
  const obj = canaryObject('test', 'podinfo', midAnalysis);

  it('a row is what pennant status shows, keyed namespace/name, with the time its phase began (the page counts on)', () => {
    expect(rowOf(obj, NOW)).toMatchObject({ key: 'test/podinfo', phase: 'Progressing', weight: 20, maxWeight: 50, failedChecks: 1, threshold: 5, since: '2026-12-02T09:58:30Z' });
    expect(rowOf(obj, NOW)).not.toHaveProperty('inPhaseSeconds');
    expect(rowOf(canaryObject('test', 'new'), NOW)).toMatchObject({ phase: 'Initializing', weight: 0, checks: [] });
  });

  it('Events most recent first, at most the limit, whichever timestamp they carry', () => {
    const event = (reason: string, last: string) => ({ apiVersion: 'v1', kind: 'Event', metadata: { name: reason }, reason, message: `${reason}!`, type: 'Warning', count: 2, lastTimestamp: last });
    const events = [event('old', '2026-12-02T09:00:00Z'), event('new', '2026-12-02T09:59:00Z'), { apiVersion: 'v1', kind: 'Event', metadata: { name: 'x', creationTimestamp: '2026-12-02T09:30:00Z' } }];
    expect(eventsOf(events).map((e) => e.reason)).toEqual(['new', '', 'old']);
    expect(eventsOf(events, 1)).toEqual([{ type: 'Warning', reason: 'new', message: 'new!', count: 2, last: '2026-12-02T09:59:00Z' }]);
  });

  it('a page carries annotations, the analysis set-up, conditions and the history given', () => {
    const annotated = { ...obj, metadata: { ...obj.metadata, annotations: { note: '<script>x</script>' } } };
    const detail = detailOf(annotated, [], [{ time: NOW.toISOString(), weight: 10, phase: 'Progressing' }], NOW);
    expect(detail.annotations).toEqual({ note: '<script>x</script>' });
    expect(detail.analysis).toEqual({ interval: '1m', threshold: 5, maxWeight: 50, stepWeight: 10 });
    expect(detail.history).toHaveLength(1);
  });
});

describe('WeightHistory', () => {
  it('adds a point only when the weight or phase changes, keeps the newest points, forgets a deleted Canary', () => {
    const history = new WeightHistory(3);
    const at = (s: number) => new Date(NOW.getTime() + s * 1000);
    expect(history.observe('a/b', 0, 'Progressing', at(0))).toBe(true);
    expect(history.observe('a/b', 0, 'Progressing', at(1))).toBe(false);
    for (const [i, w] of [10, 20, 30].entries()) history.observe('a/b', w, 'Progressing', at(2 + i));
    expect(history.of('a/b').map((p) => p.weight)).toEqual([10, 20, 30]);
    history.forget('a/b');
    expect(history.of('a/b')).toEqual([]);
  });
});

const row = (namespace: string, name: string, phase: string, weight: number, extra: Partial<Row> = {}): Row => ({ key: `${namespace}/${name}`, namespace, name, phase, weight, failedChecks: 0, threshold: 5, checks: [], ...extra });

describe('the table in the browser (table-model.js)', () => {
  const rows = [
    row('prod', 'web', 'Succeeded', 0, { since: '2026-12-01T10:00:00Z' }),
    row('test', 'podinfo', 'Progressing', 20, { since: '2026-12-02T09:58:30Z', checks: [{ name: 'request-duration', kind: 'metric', verdict: 'fail', value: 612.5, max: 500, time: '' }] }),
    row('test', 'backend', 'Failed', 0, { failedChecks: 5 }),
  ];

  it('knows the phases of the API', () => {
    expect(PHASES).toEqual([...API_PHASES]);
  });

  it.each([
    [{ namespace: 'test' }, ['test/backend', 'test/podinfo']],
    [{ phase: 'Failed' }, ['test/backend']],
    [{ text: 'DURATION' }, ['test/podinfo']],
    [{ text: 'prod/w' }, ['prod/web']],
    [{ namespace: 'prod', phase: 'Failed' }, []],
    [{}, ['prod/web', 'test/backend', 'test/podinfo']],
  ])('filter %j', (filter, keys) => {
    expect(sortRows(filterRows(rows, filter)).map((r) => r.key)).toEqual(keys);
  });

  it.each([
    ['weight', 'descending', ['test/podinfo', 'prod/web', 'test/backend']],
    ['name', 'ascending', ['test/backend', 'test/podinfo', 'prod/web']],
    ['failed', 'descending', ['test/backend', 'prod/web', 'test/podinfo']],
    ['since', 'descending', ['prod/web', 'test/podinfo', 'test/backend']],
  ] as const)('sort by %s %s (ties by key)', (key, direction, keys) => {
    expect(sortRows(rows, key, direction).map((r) => r.key)).toEqual(keys);
  });

  it('counts per phase in the order of the phases; applies a rows frame', () => {
    expect(countByPhase([...rows, row('x', 'y', 'Failed', 0)])).toEqual([['Progressing', 1], ['Succeeded', 1], ['Failed', 2]]);
    const byKey = applyChanges(new Map(rows.map((r) => [r.key, r])), { upsert: [row('test', 'podinfo', 'Progressing', 30)], remove: ['prod/web'] });
    expect([...byKey.values()].map((r) => `${r.key}:${r.weight}`)).toEqual(['test/podinfo:30', 'test/backend:0']);
  });

  it('writes a check and a time as pennant status does', () => {
    expect(checkText({ name: 'request-duration', kind: 'metric', verdict: 'fail', value: 612.5, max: 500, time: '' })).toBe('request-duration 612.5 > 500 ✗');
    expect(checkText({ name: 'load-test', kind: 'webhook', verdict: 'fail', time: '' })).toBe('load-test failed ✗');
    expect(ago('2026-12-02T09:58:30Z', NOW.getTime())).toBe('1m30s');
    expect(ago('2026-11-30T08:00:00Z', NOW.getTime())).toBe('2d2h');
    expect(ago(undefined, NOW.getTime())).toBe('-');
  });
});

describe('weight over time (chart-model.js)', () => {
  it('steps through the points left to right, higher weights higher up, and runs on to now', () => {
    const points = [0, 10, 20].map((weight, i) => ({ time: new Date(NOW.getTime() + i * 60_000).toISOString(), weight, phase: 'Progressing' }));
    const chart = weightChart(points, NOW.getTime() + 180_000, 50);
    const [a, b, c] = chart.points;
    expect(a && b && c && a.x < b.x && b.x < c.x && a.y > b.y && b.y > c.y).toBe(true);
    expect(chart.d).toMatch(/^M[\d.]+,[\d.]+(H[\d.]+V[\d.]+){2}H[\d.]+$/);
    expect(chart.ticks.map((t) => t.weight)).toEqual([0, 25, 50]);
    expect(weightChart([], NOW.getTime()).d).toBe('');
  });
});
