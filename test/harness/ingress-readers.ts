import { z } from 'zod';
import type { ResourceType } from '../../src/kube/types.js';
import type { ObjectLookup, RoutingReader } from './routing-readers.js';
import type { SimulatedApp } from './simulated-app.js';
import { singleService, type RouteRule, type Routing, type WeightedBackend } from './traffic-split.js';

// Only types come from routing-readers.ts, which registers these readers: no import cycle at run time.
const SERVICE: ResourceType = { apiVersion: 'v1', kind: 'Service' };
export const INGRESS: ResourceType = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' };
export const HTTPPROXY: ResourceType = { apiVersion: 'projectcontour.io/v1', kind: 'HTTPProxy' };
export const TRAEFIK_SERVICE: ResourceType = { apiVersion: 'traefik.io/v1alpha1', kind: 'TraefikService' };

/** Until the router's object exists, in-cluster clients still reach the apex Service (as gatewayapi's reader does). */
export const apex = (lookup: ObjectLookup, app: SimulatedApp): Routing | undefined =>
  lookup(SERVICE, app.namespace, app.service) ? singleService(app.service) : undefined;

const backend = z.object({ service: z.object({ name: z.string() }).optional() }).optional();
const ingress = z.object({
  metadata: z.object({ annotations: z.record(z.string(), z.string()).optional() }),
  spec: z.object({
    defaultBackend: backend,
    rules: z.array(z.object({ http: z.object({ paths: z.array(z.object({ backend })) }).optional() })).optional(),
  }),
});
type Ingress = z.infer<typeof ingress>;

/** The Service an Ingress sends its first path (else its default backend) to. */
const firstBackend = (obj: Ingress): string | undefined =>
  obj.spec.rules?.flatMap((r) => r.http?.paths ?? []).find((p) => p.backend?.service)?.backend?.service?.name ??
  obj.spec.defaultBackend?.service?.name;

const NGINX = 'nginx.ingress.kubernetes.io';

/**
 * nginx: the user's Ingress (app.ingress, else the target) sends to its backend; a canary Ingress
 * `<ingress>-canary` with `canary: "true"` takes `canary-weight` out of `canary-weight-total` (100),
 * and, with canary-by-header or canary-by-cookie, every request carrying the match.
 */
export const nginxReader: RoutingReader = {
  watches: [INGRESS],
  routing: (lookup, app) => {
    const name = app.ingress ?? app.target;
    const main = ingress.safeParse(lookup(INGRESS, app.namespace, name));
    const mainBackend = main.success ? firstBackend(main.data) : undefined;
    if (!mainBackend) return apex(lookup, app);
    const copy = ingress.safeParse(lookup(INGRESS, app.namespace, `${name}-canary`));
    const annotations = copy.success ? (copy.data.metadata.annotations ?? {}) : {};
    const canaryBackend = copy.success ? firstBackend(copy.data) : undefined;
    if (!canaryBackend || annotations[`${NGINX}/canary`] !== 'true') return singleService(mainBackend);
    const total = Number(annotations[`${NGINX}/canary-weight-total`] ?? 100);
    const weight = Math.min(total, Math.max(0, Number(annotations[`${NGINX}/canary-weight`] ?? 0) || 0));
    const matched = [`${NGINX}/canary-by-header`, `${NGINX}/canary-by-cookie`].some((k) => annotations[k] !== undefined);
    const rules: RouteRule[] = [
      ...(matched ? [{ abMatch: true, backends: [{ service: canaryBackend, weight: 1 }] }] : []),
      { abMatch: false, backends: [{ service: mainBackend, weight: total - weight }, { service: canaryBackend, weight }] },
    ];
    return { rules };
  },
};

const proxyService = z.object({ name: z.string(), weight: z.number().optional(), mirror: z.boolean().optional() });
const httpProxy = z.object({
  spec: z.object({
    routes: z
      .array(z.object({ conditions: z.array(z.record(z.string(), z.unknown())).optional(), services: z.array(proxyService).optional() }))
      .optional(),
  }),
});

/**
 * contour: the HTTPProxy named after the service. A route with header or query-parameter conditions
 * takes the A/B requests; weights split a route's requests (none given: evenly, as Contour does); a
 * `mirror: true` service gets a copy of them (its weight: of that share).
 */
export const contourReader: RoutingReader = {
  watches: [HTTPPROXY],
  routing: (lookup, app) => {
    const parsed = httpProxy.safeParse(lookup(HTTPPROXY, app.namespace, app.service));
    if (!parsed.success) return apex(lookup, app);
    const rules = (parsed.data.spec.routes ?? []).map((route): RouteRule => {
      const served = (route.services ?? []).filter((s) => !s.mirror);
      const weighted = served.some((s) => s.weight !== undefined);
      const mirror = route.services?.find((s) => s.mirror);
      return {
        abMatch: (route.conditions ?? []).some((c) => c.header !== undefined || c.queryParameter !== undefined),
        backends: served.map((s) => ({ service: s.name, weight: weighted ? (s.weight ?? 0) : 1 })),
        // A mirror's weight is the share mirrored (unset or 0: everything, as Contour reads it).
        ...(mirror ? { mirrorTo: mirror.name, ...(mirror.weight ? { mirrorPercent: mirror.weight } : {}) } : {}),
      };
    });
    return { rules };
  },
};

const traefikBackend = z.object({ name: z.string(), kind: z.string().optional(), weight: z.number().optional() });
const traefikService = z.object({
  spec: z.object({
    weighted: z.object({ services: z.array(traefikBackend).optional() }).optional(),
    mirroring: z.object({ name: z.string(), kind: z.string().optional(), mirrors: z.array(z.object({ name: z.string() })).optional() }).optional(),
  }),
});

/**
 * traefik: the TraefikService named after the service: its weighted round robin (weight 1 unless
 * given; 0 is left out, as Traefik does), or its mirroring (main service plus a copy to the first mirror).
 */
export const traefikReader: RoutingReader = {
  watches: [TRAEFIK_SERVICE],
  routing: (lookup, app) => {
    const parsed = traefikService.safeParse(lookup(TRAEFIK_SERVICE, app.namespace, app.service));
    if (!parsed.success) return apex(lookup, app);
    const { weighted, mirroring } = parsed.data.spec;
    const isService = (s: { kind?: string | undefined }) => (s.kind ?? 'Service') === 'Service';
    if (weighted) {
      const backends: WeightedBackend[] = (weighted.services ?? []).filter(isService).map((s) => ({ service: s.name, weight: s.weight ?? 1 }));
      return { rules: [{ abMatch: false, backends }] };
    }
    if (mirroring && isService(mirroring)) {
      const mirrorTo = mirroring.mirrors?.[0]?.name;
      return { rules: [{ abMatch: false, backends: [{ service: mirroring.name, weight: 1 }], ...(mirrorTo ? { mirrorTo } : {}) }] };
    }
    return apex(lookup, app);
  },
};
