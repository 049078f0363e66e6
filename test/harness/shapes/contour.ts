import { Counter, Histogram, type Registry } from 'prom-client';
import { LATENCY_BUCKETS_MS, type MetricShape } from '../metric-shapes.js';

/**
 * contour: Envoy's cluster statistics, for the apps routed by `contour` and only for the requests
 * through Envoy. Contour names each cluster's statistics `<namespace>_<service>_<port>` (its
 * alt_stat_name), so the canary's is `<ns>_<svc>-canary_<port>`; request times are in ms.
 */
export function contourShape(registry: Registry): MetricShape {
  const requests = new Counter<'envoy_cluster_name' | 'envoy_response_code'>({
    name: 'envoy_cluster_upstream_rq',
    help: 'Upstream requests by response code (simulated Envoy under Contour)',
    labelNames: ['envoy_cluster_name', 'envoy_response_code'],
    registers: [registry],
  });
  const time = new Histogram<'envoy_cluster_name'>({
    name: 'envoy_cluster_upstream_rq_time',
    help: 'Upstream request time in ms (simulated Envoy under Contour)',
    labelNames: ['envoy_cluster_name'],
    buckets: [...LATENCY_BUCKETS_MS],
    registers: [registry],
  });
  return {
    name: 'contour',
    record({ app, service, namespace, responses, port, direct }) {
      if (app.provider !== 'contour' || direct) return;
      const cluster = `${namespace}_${service}_${port ?? 80}`;
      const child = time.labels({ envoy_cluster_name: cluster });
      for (const [code, latencies] of responses) {
        requests.inc({ envoy_cluster_name: cluster, envoy_response_code: String(code) }, latencies.length);
        for (const ms of latencies) child.observe(ms);
      }
    },
    forgetPod() {},
  };
}
