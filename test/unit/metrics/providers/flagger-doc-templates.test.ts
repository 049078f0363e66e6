import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type Canary, metricTemplate, type MetricTemplate } from '../../../../src/api/index.js';
import { evaluateMetrics } from '../../../../src/metrics/index.js';
import { exampleDir, swapApiVersion } from '../../api/flagger-examples.js';
import { type Handler, json, type LocalServer, startServer, text } from '../local-server.js';
import * as docs from './fixtures.js';
import { AT } from './harness.js';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });

/** One stand-in for every provider's API path, answering each with its docs' example. */
const standIn: Handler = (req, res) => {
  if (req.path === '/token') return json(res, 200, { access_token: 'ya29.t', expires_in: 3600 });
  if (req.path === '/api/v1/query') return json(res, 200, docs.DATADOG_QUERY);
  if (req.headers['x-amz-target']) return json(res, 200, docs.CLOUDWATCH_GET_METRIC_DATA);
  if (req.path === '/v1/accounts/1234567/query') return json(res, 200, docs.NEWRELIC_QUERY);
  if (req.path === '/render') return json(res, 200, docs.GRAPHITE_RENDER);
  if (req.path === '/v3/projects/my-project/timeSeries:query') return json(res, 200, docs.STACKDRIVER_QUERY);
  if (req.path === '/api/v2/query') return text(res, 200, docs.INFLUXDB_CSV, 'text/csv');
  if (req.path === '/api/v2/metrics/query') return json(res, 200, docs.DYNATRACE_QUERY);
  if (req.path === '/v2/signalflow/execute') return text(res, 200, docs.SIGNALFLOW_STREAM, 'text/event-stream');
  json(res, 404, { error: `no such path ${req.path}` });
};

/**
 * Flagger's documented MetricTemplates (test/fixtures/flagger/docs/complete, apiVersion swapped), each
 * with the Secret keys its docs page describes, the address pointed at the stand-in (where the docs
 * leave it out or as a placeholder), and a Canary referring to it: the rendered query reaches the API
 * and the docs' example answer is the value judged.
 */
/** The Flux query inside InfluxDB's JSON body (quotes escaped): both variables rendered. */
const INFLUX_RENDERED = /destination_workload_namespace\\"\] == \\"test\\".*destination_workload\\"\] == \\"podinfo\\"/;

const CASES: [file: string, credentials: Record<string, string>, value: number, rendered: RegExp][] = [
  ['docs_gitbook_usage_metrics_12_MetricTemplate.yaml', { datadog_api_key: 'k', datadog_application_key: 'a' }, 0.5, /destination_workload:podinfo,/],
  ['docs_gitbook_usage_metrics_14_MetricTemplate.yaml', { aws_access_key_id: 'AKID', aws_secret_access_key: 's' }, 0.005, /"Value":"podinfo\.test"/],
  ['docs_gitbook_usage_metrics_17_MetricTemplate.yaml', { newrelic_account_id: '1234567', newrelic_query_key: 'k' }, 2.16, /AND ingress = 'podinfo' AND {2}namespace = 'test' SINCE 60 seconds ago/],
  ['docs_gitbook_usage_metrics_19_MetricTemplate.yaml', {}, 6, /app\.podinfo\.exception/],
  ['docs_gitbook_usage_metrics_23_MetricTemplate.yaml', { project: 'my-project' }, 212.5, /destination_service_name == 'podinfo-canary'/],
  ['docs_gitbook_usage_metrics_24_MetricTemplate.yaml', { token: 't', org: 'o' }, 1.4, INFLUX_RENDERED],
  ['docs_gitbook_usage_metrics_26_MetricTemplate.yaml', { dynatrace_token: 't' }, 242.4, /metricSelector=builtin:service.response.time:filter\(eq\(dt.entity.service,SERVICE-ABCDEFG0123456789\)\):percentile\(95\)/],
  ['docs_gitbook_usage_metrics_31_MetricTemplate.yaml', { sf_token_key: 't' }, 4.25, /filter\('sf_service', 'podinfo'\) and filter\('sf_error', 'false'\)/],
];


describe("Flagger's documented MetricTemplates of every provider evaluate against the stand-ins", () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startServer(standIn);
  });
  afterAll(async () => server.close());

  it.each(CASES)('%s', async (file, credentials, value, rendered) => {
    const template = pointedAt(load(file), server.url);
    const secret = template.spec.provider.type === 'stackdriver'
      ? { ...credentials, serviceAccountKey: JSON.stringify({ client_email: 'p@my-project.iam.gserviceaccount.com', private_key: privateKey, token_uri: `${server.url}/token` }) }
      : credentials;
    const before = server.requests.length;
    const [result] = await evaluateMetrics({
      canary: canaryUsing(template),
      signal: new AbortController().signal,
      metricsServer: 'http://prometheus:9090',
      meshProvider: 'istio',
      getTemplate: () => template,
      getSecret: () => secret,
      at: AT,
    });
    expect(result).toMatchObject({ verdict: 'pass', value });
    const asked = server.requests.slice(before).filter((r) => r.path !== '/token').map((r) => `${decodeURIComponent(r.search.toString().replace(/\+/g, ' '))} ${r.body}`);
    expect(asked.join('\n')).toMatch(rendered);
  });
});

function load(file: string): MetricTemplate {
  const raw = parse(swapApiVersion(readFileSync(path.join(exampleDir('complete'), file), 'utf8'))) as Record<string, unknown>;
  return metricTemplate.parse({ ...raw, metadata: { namespace: 'test', ...(raw.metadata as object) } });
}

/** The stand-in's address; cloudwatch's doc template has no secretRef (its docs use the AWS SDK's chain): one is added. */
function pointedAt(template: MetricTemplate, address: string): MetricTemplate {
  const { provider: original } = template.spec;
  const provider = { ...original, address, ...(original.type === 'cloudwatch' ? { secretRef: { name: 'aws' } } : {}) };
  return { ...template, spec: { ...template.spec, provider } };
}

function canaryUsing(template: MetricTemplate): Canary {
  return {
    apiVersion: 'pennant.dev/v1beta1',
    kind: 'Canary',
    metadata: { name: 'podinfo', namespace: 'test' },
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
      ingressRef: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'podinfo' },
      service: { port: 9898 },
      analysis: { metrics: [{ name: 'check', interval: '1m', templateRef: { name: template.metadata.name ?? '', namespace: 'test' }, thresholdRange: { min: 0, max: 1000 } }] },
    },
  } as Canary;
}
