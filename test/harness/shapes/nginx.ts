import { Counter, Histogram, type Registry } from 'prom-client';
import { LATENCY_BUCKETS_MS, type MetricShape } from '../metric-shapes.js';

type Label = 'namespace' | 'ingress' | 'service' | 'canary' | 'status';

/**
 * nginx: what ingress-nginx exports per Ingress, for the apps routed by `nginx` and only for the
 * requests through it (not the direct calls to `<svc>-canary`). `ingress` is the user's Ingress and
 * `service` its backend for every request, as ingress-nginx merges the canary Ingress into it;
 * `canary` names the canary upstream (`<ns>-<svc>-canary-<port>`) when that served the request, else "".
 */
export function nginxShape(registry: Registry): MetricShape {
  const labelNames: Label[] = ['namespace', 'ingress', 'service', 'canary', 'status'];
  const requests = new Counter<Label>({
    name: 'nginx_ingress_controller_requests',
    help: 'Client requests (simulated ingress-nginx)',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram<Label>({
    name: 'nginx_ingress_controller_response_duration_seconds',
    help: 'Upstream response time in seconds (simulated ingress-nginx)',
    labelNames,
    buckets: LATENCY_BUCKETS_MS.map((ms) => ms / 1000),
    registers: [registry],
  });
  return {
    name: 'nginx',
    record({ app, service, namespace, responses, port, direct }) {
      if (app.provider !== 'nginx' || direct) return;
      const canary = service === `${app.service}-canary` ? `${namespace}-${service}-${port ?? 80}` : '';
      for (const [code, latencies] of responses) {
        const labels = { namespace, ingress: app.ingress ?? app.target, service: app.service, canary, status: String(code) };
        requests.inc(labels, latencies.length);
        const child = duration.labels(labels);
        for (const ms of latencies) child.observe(ms / 1000);
      }
    },
    forgetPod() {},
  };
}
