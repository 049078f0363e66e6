import { Histogram, type Registry } from 'prom-client';
import { LATENCY_BUCKETS_MS, type MetricShape } from '../metric-shapes.js';

type Label = 'kubernetes_namespace' | 'kubernetes_pod_name' | 'status';

/**
 * kubernetes and gatewayapi: the app's own `http_request_duration_seconds` histogram (podinfo's),
 * with the pod and namespace labels Prometheus' pod relabelling adds, per pod and status code.
 */
export function kubernetesShape(registry: Registry): MetricShape {
  const histogram = new Histogram<Label>({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests in seconds (simulated)',
    labelNames: ['kubernetes_namespace', 'kubernetes_pod_name', 'status'],
    buckets: LATENCY_BUCKETS_MS.map((ms) => ms / 1000),
    registers: [registry],
  });
  const statusesOf = new Map<string, Set<string>>();
  const key = (namespace: string, pod: string): string => `${namespace}/${pod}`;
  return {
    name: 'kubernetes',
    record({ namespace, pod, responses }) {
      const statuses = statusesOf.get(key(namespace, pod)) ?? new Set<string>();
      statusesOf.set(key(namespace, pod), statuses);
      for (const [code, latencies] of responses) {
        const status = String(code);
        statuses.add(status);
        const child = histogram.labels({ kubernetes_namespace: namespace, kubernetes_pod_name: pod, status });
        for (const ms of latencies) child.observe(ms / 1000);
      }
    },
    forgetPod(namespace, pod) {
      for (const status of statusesOf.get(key(namespace, pod)) ?? []) {
        histogram.remove({ kubernetes_namespace: namespace, kubernetes_pod_name: pod, status });
      }
      statusesOf.delete(key(namespace, pod));
    },
  };
}
