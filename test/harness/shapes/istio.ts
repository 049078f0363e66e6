import { Counter, Histogram, type Registry } from 'prom-client';
import { LATENCY_BUCKETS_MS, type MetricShape } from '../metric-shapes.js';

type Label = 'reporter' | 'destination_workload_namespace' | 'destination_workload' | 'response_code';

/**
 * istio: what the destination sidecars report, per workload (the Deployment: `podinfo` is the
 * canary, `podinfo-primary` the primary) — not per pod, so a pod going away changes nothing.
 */
export function istioShape(registry: Registry): MetricShape {
  const labelNames: Label[] = ['reporter', 'destination_workload_namespace', 'destination_workload', 'response_code'];
  const requests = new Counter<Label>({
    name: 'istio_requests_total',
    help: 'Requests served (simulated Istio)',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram<Label>({
    name: 'istio_request_duration_milliseconds',
    help: 'Request duration in ms (simulated Istio)',
    labelNames,
    buckets: [...LATENCY_BUCKETS_MS],
    registers: [registry],
  });
  return {
    name: 'istio',
    record({ namespace, workload, responses }) {
      for (const [code, latencies] of responses) {
        const labels = {
          reporter: 'destination',
          destination_workload_namespace: namespace,
          destination_workload: workload,
          response_code: String(code),
        };
        requests.inc(labels, latencies.length);
        const child = duration.labels(labels);
        for (const ms of latencies) child.observe(ms);
      }
    },
    forgetPod() {},
  };
}
