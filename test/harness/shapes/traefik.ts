import { Histogram, type Registry } from 'prom-client';
import { LATENCY_BUCKETS_MS, type MetricShape } from '../metric-shapes.js';

type Label = 'service' | 'code' | 'method' | 'protocol';

/**
 * traefik: Traefik's per-service request duration histogram, for the apps routed by `traefik` and
 * only for the requests through it. Its kubernetescrd provider names a Kubernetes Service inside a
 * TraefikService `<ns>-<name>-<port>@kubernetescrd`; there is no request counter per service, so
 * the +Inf bucket is the count.
 */
export function traefikShape(registry: Registry): MetricShape {
  const duration = new Histogram<Label>({
    name: 'traefik_service_request_duration_seconds',
    help: 'Request processing duration per service in seconds (simulated Traefik)',
    labelNames: ['service', 'code', 'method', 'protocol'],
    buckets: LATENCY_BUCKETS_MS.map((ms) => ms / 1000),
    registers: [registry],
  });
  return {
    name: 'traefik',
    record({ app, service, namespace, responses, port, direct }) {
      if (app.provider !== 'traefik' || direct) return;
      for (const [code, latencies] of responses) {
        const child = duration.labels({ service: `${namespace}-${service}-${port ?? 80}@kubernetescrd`, code: String(code), method: 'GET', protocol: 'http' });
        for (const ms of latencies) child.observe(ms / 1000);
      }
    },
    forgetPod() {},
  };
}
