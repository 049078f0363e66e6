import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { type Canary, metricTemplate, type MetricTemplate } from '../../src/api/index.js';
import { exampleDir, swapApiVersion } from '../unit/api/flagger-examples.js';

// Flagger's documented MetricTemplates (test/fixtures/flagger/docs/complete, vendored with origin and
// licence in its README), pointed at a real server.

/** docs/gitbook/usage/metrics.md: Graphite's success-rate template. */
export const GRAPHITE_DOCS_TEMPLATE = 'docs_gitbook_usage_metrics_19_MetricTemplate.yaml';
/** docs/gitbook/usage/metrics.md: InfluxDB's count of 500s (`not-found`). */
export const INFLUXDB_DOCS_TEMPLATE = 'docs_gitbook_usage_metrics_24_MetricTemplate.yaml';

/** A docs template as a user migrating applies it (apiVersion swapped), in `namespace`, its provider at `address`. */
export function docsTemplate(file: string, namespace: string, address: string, edit: (query: string) => string = (q) => q): MetricTemplate {
  const raw = parse(swapApiVersion(readFileSync(path.join(exampleDir('complete'), file), 'utf8'))) as Record<string, unknown>;
  const template = metricTemplate.parse({ ...raw, metadata: { ...(raw.metadata as object), namespace } });
  return { ...template, spec: { ...template.spec, query: edit(template.spec.query), provider: { ...template.spec.provider, address } } };
}

/**
 * Graphite takes an interval as a quoted string in its own units (`'60s'`, `'1min'`): the docs'
 * unquoted `{{interval}}` makes graphite-web answer 500 whatever the interval, and a quoted `1m` too
 * (`m` is not a Graphite unit). README's metric provider table says so.
 */
export const quoteInterval = (query: string): string => query.replace(/\{\{\s*interval\s*\}\}/g, "'{{interval}}'");

/**
 * Flagger's docs InfluxDB query filters on the tag `" destination_workload_namespace"` (a stray space
 * inside the quotes), which no writer of istio_requests_total sets: as published it never matches.
 */
export const fixTagKey = (query: string): string => query.replace('r[" destination_workload_namespace"]', 'r["destination_workload_namespace"]');

/** A minimal Canary of `target` in `namespace` judged by one check of `template`. */
export function canaryJudgedBy(template: MetricTemplate, target: string, check: { interval: string; min?: number; max?: number }): Canary {
  return {
    apiVersion: 'pennant.dev/v1beta1',
    kind: 'Canary',
    metadata: { name: target, namespace: template.metadata.namespace },
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
      service: { port: 9898 },
      analysis: {
        interval: '1m',
        threshold: 1,
        metrics: [
          {
            name: 'check',
            interval: check.interval,
            templateRef: { name: template.metadata.name ?? '', namespace: template.metadata.namespace },
            thresholdRange: { ...(check.min !== undefined && { min: check.min }), ...(check.max !== undefined && { max: check.max }) },
          },
        ],
      },
    },
  } as Canary;
}
