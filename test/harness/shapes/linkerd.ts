import { Counter, Histogram, type Registry } from 'prom-client';
import { LATENCY_BUCKETS_MS, type MetricShape } from '../metric-shapes.js';

type Label = 'direction' | 'namespace' | 'deployment' | 'pod' | 'status_code' | 'classification';

/**
 * linkerd: what the meshed pods' proxies export for the requests they receive (direction="inbound"),
 * with the namespace, deployment and pod labels linkerd-viz's Prometheus adds. A proxy sees every
 * request to its pod, whatever routes it (TrafficSplit, HTTPRoute, or a call straight to
 * `<svc>-canary`); a 5xx is classified "failure", as Linkerd's default response classifier does.
 */
export function linkerdShape(registry: Registry): MetricShape {
  const labelNames: Label[] = ['direction', 'namespace', 'deployment', 'pod', 'status_code', 'classification'];
  const responses = new Counter<Label>({ name: 'response_total', help: 'Responses (simulated Linkerd proxy)', labelNames, registers: [registry] });
  const latency = new Histogram<Label>({
    name: 'response_latency_ms',
    help: 'Response latency in ms (simulated Linkerd proxy)',
    labelNames,
    buckets: [...LATENCY_BUCKETS_MS],
    registers: [registry],
  });
  // The label sets of each pod's series, by status code, to drop them when the pod goes.
  const seen = new Map<string, Map<number, Record<Label, string>>>();
  const key = (namespace: string, pod: string): string => `${namespace}/${pod}`;
  return {
    name: 'linkerd',
    record({ namespace, workload, pod, responses: served }) {
      const labelSets = seen.get(key(namespace, pod)) ?? new Map<number, Record<Label, string>>();
      seen.set(key(namespace, pod), labelSets);
      for (const [code, latencies] of served) {
        const labels: Record<Label, string> = {
          direction: 'inbound', namespace, deployment: workload, pod, status_code: String(code),
          classification: code >= 500 ? 'failure' : 'success',
        };
        labelSets.set(code, labels);
        responses.inc(labels, latencies.length);
        const child = latency.labels(labels);
        for (const ms of latencies) child.observe(ms);
      }
    },
    forgetPod(namespace, pod) {
      for (const labels of seen.get(key(namespace, pod))?.values() ?? []) {
        responses.remove(labels);
        latency.remove(labels);
      }
      seen.delete(key(namespace, pod));
    },
  };
}
