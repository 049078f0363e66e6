import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricTemplate } from '../../src/api/index.js';
import type { CheckResult } from '../../src/engine/types.js';
import { evaluateMetrics } from '../../src/metrics/index.js';
import type { Credentials } from '../../src/metrics/provider.js';
import { type GraphiteServer, startGraphite } from '../harness/graphite.js';
import { type InfluxServer, startInfluxdb } from '../harness/influxdb.js';
import { canaryJudgedBy, docsTemplate, fixTagKey, GRAPHITE_DOCS_TEMPLATE, INFLUXDB_DOCS_TEMPLATE, quoteInterval } from './metric-templates.js';

/** One check of `template` for `target`, as an analysis step evaluates it. */
async function evaluate(template: MetricTemplate, target: string, interval: string, secret?: Credentials): Promise<CheckResult> {
  const [result] = await evaluateMetrics({
    canary: canaryJudgedBy(template, target, { interval, min: 0 }),
    signal: new AbortController().signal,
    metricsServer: 'http://prometheus.invalid:9090',
    meshProvider: 'kubernetes',
    getTemplate: () => template,
    getSecret: () => secret,
    // A bound, not Flagger's 5 s: graphite-web logs a traceback and renders a page for each 500, slowly on a loaded machine.
    queryTimeoutMs: 30_000,
  });
  if (!result) throw new Error('no check result');
  return result;
}

/** The docs' Graphite series: `stats.timers.httpServerRequests.app.<target>.exception.*.method.*.outcome.*.status.*.uri.*.count`. */
const requests = (target: string, outcome: string, status: number, count: number) => ({
  path: `stats.timers.httpServerRequests.app.${target}.exception.None.method.GET.outcome.${outcome}.status.${status}.uri.root.count`,
  value: count,
});

describe("graphite provider against a real Graphite (carbon-cache + graphite-web), Flagger's docs template", () => {
  let graphite: GraphiteServer;
  beforeAll(async () => {
    graphite = await startGraphite();
  });
  afterAll(async () => graphite?.stop());

  it('the success rate of what was written comes back (interval quoted, in Graphite units)', async () => {
    await graphite.write([requests('podinfo', 'SUCCESS', 200, 88), requests('podinfo', 'REDIRECTION', 302, 2), requests('podinfo', 'SERVER_ERROR', 500, 10)]);
    const result = await evaluate(docsTemplate(GRAPHITE_DOCS_TEMPLATE, 'test', graphite.url, quoteInterval), 'podinfo', '60s');
    expect(result).toMatchObject({ verdict: 'pass', value: 90 });
  });

  it('no series for the target is no data (fails closed)', async () => {
    const result = await evaluate(docsTemplate(GRAPHITE_DOCS_TEMPLATE, 'test', graphite.url, quoteInterval), 'absent', '60s');
    expect(result).toMatchObject({ verdict: 'noData', value: null });
  });

  it('a query Graphite rejects is an error naming the server and its reason', async () => {
    const template = docsTemplate(GRAPHITE_DOCS_TEMPLATE, 'test', graphite.url, (q) => q.replace('asPercent', 'asPercentage'));
    const result = await evaluate(template, 'podinfo', '60s');
    expect(result.verdict).toBe('error');
    expect(result.message).toContain(`graphite at ${graphite.url}: HTTP 400`);
    expect(result.message).toContain('unknown function: asPercentage');
  });

  it("the docs' template as published (unquoted {{interval}}) is an HTTP 500 error, not a value", async () => {
    const result = await evaluate(docsTemplate(GRAPHITE_DOCS_TEMPLATE, 'test', graphite.url), 'podinfo', '1m');
    expect(result.verdict).toBe('error');
    expect(result.message).toContain(`graphite at ${graphite.url}: HTTP 500`);
  });
});

describe("influxdb provider against a real InfluxDB 2 (Flux), Flagger's docs template", () => {
  let influx: InfluxServer;
  let secret: Credentials;
  const at = Math.floor(Date.now() / 1000);
  const errors = (namespace: string, target: string, n: number) =>
    Array.from({ length: n }, (_, i) => `istio_requests_total,destination_workload_namespace=${namespace},destination_workload=${target},response_code=500 value=1 ${at - 60 + i}`);

  beforeAll(async () => {
    influx = await startInfluxdb({ bucket: 'default' });
    secret = { token: influx.token, org: influx.org };
    await influx.write([...errors('test', 'podinfo', 7), 'istio_requests_total,destination_workload_namespace=test,destination_workload=podinfo,response_code=200 value=1']);
  });
  afterAll(async () => influx?.stop());

  it('the count of what was written comes back (the tag key typo fixed)', async () => {
    const result = await evaluate(docsTemplate(INFLUXDB_DOCS_TEMPLATE, 'test', influx.url, fixTagKey), 'podinfo', '1m', secret);
    expect(result).toMatchObject({ verdict: 'pass', value: 7 });
  });

  it('no record is no data (fails closed; Flagger answers 0)', async () => {
    const result = await evaluate(docsTemplate(INFLUXDB_DOCS_TEMPLATE, 'test', influx.url, fixTagKey), 'absent', '1m', secret);
    expect(result).toMatchObject({ verdict: 'noData', value: null });
  });

  it("the docs' template as published matches no tag (a space inside the key's quotes): no data", async () => {
    const result = await evaluate(docsTemplate(INFLUXDB_DOCS_TEMPLATE, 'test', influx.url), 'podinfo', '1m', secret);
    expect(result).toMatchObject({ verdict: 'noData', value: null });
  });

  it('a query Flux rejects is an error naming the server and its reason', async () => {
    const template = docsTemplate(INFLUXDB_DOCS_TEMPLATE, 'test', influx.url, (q) => q.replace('count()', 'countAll()'));
    const result = await evaluate(template, 'podinfo', '1m', secret);
    expect(result.verdict).toBe('error');
    expect(result.message).toContain(`influxdb at ${influx.url}: HTTP 400`);
    expect(result.message).toContain('countAll');
  });

  it('a wrong token is an error that says to check the credentials', async () => {
    const result = await evaluate(docsTemplate(INFLUXDB_DOCS_TEMPLATE, 'test', influx.url, fixTagKey), 'podinfo', '1m', { ...secret, token: 'wrong' });
    expect(result.verdict).toBe('error');
    expect(result.message).toContain('HTTP 401 (check the credentials in provider.secretRef)');
    expect(result.message).not.toContain(influx.token);
  });
});
