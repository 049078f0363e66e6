import type { BuiltinMetric, BuiltinObserver } from './builtin-queries.js';

/** One canary of a batch: the workload a builtin query selects. */
export interface BatchItem {
  namespace: string;
  target: string;
}

/**
 * The grouped form of a builtin query: one query for many canaries, one series per (namespace,
 * workload), each equal to what the canary's own query gives (the same series summed, grouped
 * instead of filtered). `itemOf` names the canary a result series belongs to.
 */
export interface BatchedQuery {
  render(items: readonly BatchItem[], interval: string): string;
  itemOf(labels: Record<string, string>): string | undefined;
}

export const itemKey = (item: BatchItem): string => `${item.namespace}/${item.target}`;

/**
 * Names that are plain DNS labels batch safely; a name with regex characters (a dot) means
 * something else in the canary's own regex matcher than inside an alternation, so such canaries
 * are queried alone (the results must be the same as unbatched ones).
 */
export const batchable = (item: BatchItem): boolean => /^[a-z0-9-]+$/.test(item.namespace) && /^[a-z0-9-]+$/.test(item.target);

const union = (values: readonly string[]): string => [...new Set(values)].sort().join('|');
const rate = (series: string, matchers: readonly string[], interval: string) => `rate(${series}{${matchers.join(', ')}}[${interval}])`;

/** kubernetes/gatewayapi: pods <target>-<rs>-<pod>; the workload is taken back from the pod name. */
const WORKLOAD = 'pennant_workload';
const podWorkload = (expr: string) => `label_replace(${expr}, "${WORKLOAD}", "$1", "kubernetes_pod_name", "(.+)-[0-9a-zA-Z]+-[0-9a-zA-Z]+")`;
const podMatchers = (items: readonly BatchItem[]) => [
  `kubernetes_namespace=~"${union(items.map((i) => i.namespace))}"`,
  `kubernetes_pod_name=~"(?:${union(items.map((i) => i.target))})-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"`,
];
const podGroups = 'kubernetes_namespace, pennant_workload';
const podItem = (labels: Record<string, string>) => (labels.kubernetes_namespace && labels[WORKLOAD] ? `${labels.kubernetes_namespace}/${labels[WORKLOAD]}` : undefined);

const kubernetes: Record<BuiltinMetric, BatchedQuery> = {
  'request-success-rate': {
    render: (items, interval) => {
      const all = podWorkload(rate('http_request_duration_seconds_count', podMatchers(items), interval));
      const ok = podWorkload(rate('http_request_duration_seconds_count', [...podMatchers(items), 'status!~"5.*"'], interval));
      return `sum by (${podGroups}) (${ok}) / sum by (${podGroups}) (${all}) * 100`;
    },
    itemOf: podItem,
  },
  'request-duration': {
    render: (items, interval) =>
      `histogram_quantile(0.99, sum by (le, ${podGroups}) (${podWorkload(rate('http_request_duration_seconds_bucket', podMatchers(items), interval))})) * 1000`,
    itemOf: podItem,
  },
};

const istioMatchers = (items: readonly BatchItem[]) => [
  'reporter="destination"',
  `destination_workload_namespace=~"${union(items.map((i) => i.namespace))}"`,
  `destination_workload=~"${union(items.map((i) => i.target))}"`,
];
const istioGroups = 'destination_workload_namespace, destination_workload';
const istioItem = (labels: Record<string, string>) =>
  labels.destination_workload_namespace && labels.destination_workload ? `${labels.destination_workload_namespace}/${labels.destination_workload}` : undefined;

const istio: Record<BuiltinMetric, BatchedQuery> = {
  'request-success-rate': {
    render: (items, interval) =>
      `sum by (${istioGroups}) (${rate('istio_requests_total', [...istioMatchers(items), 'response_code!~"5.*"'], interval)}) / ` +
      `sum by (${istioGroups}) (${rate('istio_requests_total', istioMatchers(items), interval)}) * 100`,
    itemOf: istioItem,
  },
  'request-duration': {
    render: (items, interval) =>
      `histogram_quantile(0.99, sum by (le, ${istioGroups}) (${rate('istio_request_duration_milliseconds_bucket', istioMatchers(items), interval)}))`,
    itemOf: istioItem,
  },
};

/** The observers whose builtin queries have a grouped form; the others are queried per canary. */
export const BATCHED_QUERIES: Partial<Record<BuiltinObserver, Record<BuiltinMetric, BatchedQuery>>> = { kubernetes, istio };
