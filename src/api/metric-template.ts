import { z } from 'zod';
import { namedRef, objectMeta } from './common.js';

export const METRIC_PROVIDER_TYPES = [
  'prometheus', 'influxdb', 'datadog', 'externalmetrics', 'stackdriver', 'cloudwatch', 'newrelic', 'graphite',
  'dynatrace', 'keptn', 'splunk',
] as const;

export const metricTemplateSpec = z.object({
  provider: z.object({
    type: z.enum(METRIC_PROVIDER_TYPES),
    address: z.string().optional().describe('API address (prometheus: default the --metrics-server flag)'),
    headers: z.record(z.string(), z.array(z.string())).optional(),
    secretRef: namedRef.optional().describe('Secret with credentials: token, or username and password'),
    region: z.string().optional(),
    insecureSkipVerify: z.boolean().optional(),
  }),
  query: z.string().min(1).describe('Query template: {{ namespace }}, {{ target }}, {{ interval }}, {{ variables.x }}'),
});
export type MetricTemplateSpec = z.infer<typeof metricTemplateSpec>;

export const metricTemplate = z.object({
  apiVersion: z.string(),
  kind: z.literal('MetricTemplate'),
  metadata: objectMeta,
  spec: metricTemplateSpec,
});
export type MetricTemplate = z.infer<typeof metricTemplate>;
