import { z } from 'zod';
import type { KubeObject, ResourceType } from '../../src/kube/types.js';
import { STICKY_ROUTE_NAMES } from '../../src/routers/istio-affinity.js';
import type { ObjectLookup, RoutingReader } from './routing-readers.js';
import type { SimulatedApp } from './simulated-app.js';
import { type RouteRule, type Routing, singleService } from './traffic-split.js';

export const VIRTUAL_SERVICE: ResourceType = { apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService' };
const SERVICE: ResourceType = { apiVersion: 'v1', kind: 'Service' };

const matchKeys = z.record(z.string(), z.unknown()).optional();
const virtualService = z.object({
  spec: z.object({
    http: z
      .array(
        z.object({
          name: z.string().optional(),
          match: z.array(z.object({ headers: matchKeys, queryParams: matchKeys, withoutHeaders: matchKeys, sourceLabels: matchKeys })).optional(),
          route: z.array(z.object({ destination: z.object({ host: z.string() }), weight: z.number().optional() })).optional(),
          mirror: z.object({ host: z.string() }).optional(),
          mirrorPercentage: z.object({ value: z.number() }).optional(),
        }),
      )
      .optional(),
  }),
});

/** `podinfo-canary`, `podinfo-canary.<ns>` or `podinfo-canary.<ns>.svc.cluster.local` → `podinfo-canary` (same namespace only). */
function serviceOf(host: string, namespace: string): string {
  const [name = host, ns] = host.split('.');
  return ns === undefined || ns === namespace ? name : host;
}

const carriesCondition = (m: { headers?: object | undefined; queryParams?: object | undefined; withoutHeaders?: object | undefined; sourceLabels?: object | undefined }): boolean =>
  [m.headers, m.queryParams, m.withoutHeaders, m.sourceLabels].some((x) => x !== undefined && Object.keys(x).length > 0);

/**
 * The http routes of a VirtualService as the sidecars would apply them. Header, query-parameter or
 * source-label conditions make a route an A/B rule (taken by the simulator's `abMatchFraction` of
 * requests); the session-affinity routes are skipped, since simulated clients carry no cookies.
 * Istio's weights need not be given on a lone destination (it then gets everything), hence the default of 100.
 */
export function routingFromVirtualService(obj: KubeObject, namespace: string): Routing | undefined {
  const parsed = virtualService.safeParse(obj);
  if (!parsed.success) return undefined;
  const rules: RouteRule[] = (parsed.data.spec.http ?? [])
    .filter((route) => !STICKY_ROUTE_NAMES.includes(route.name ?? ''))
    .map((route) => {
      const backends = (route.route ?? []).map((d) => ({ service: serviceOf(d.destination.host, namespace), weight: d.weight ?? 100 }));
      return {
        abMatch: (route.match ?? []).some(carriesCondition),
        backends: backends.length === 1 && backends[0] ? [{ ...backends[0], weight: 100 }] : backends,
        ...(route.mirror ? { mirrorTo: serviceOf(route.mirror.host, namespace), mirrorPercent: route.mirrorPercentage?.value ?? 100 } : {}),
      };
    });
  return { rules };
}

/**
 * istio: the VirtualService named after the service. Until Pennant has written it, in-mesh clients
 * reach the apex Service (pointed at the primary) as plain Kubernetes would route them.
 */
export const istioReader: RoutingReader = {
  watches: [VIRTUAL_SERVICE],
  routing: (lookup: ObjectLookup, app: SimulatedApp) => {
    const vs = lookup(VIRTUAL_SERVICE, app.namespace, app.service);
    if (vs) return routingFromVirtualService(vs, app.namespace);
    return lookup(SERVICE, app.namespace, app.service) ? singleService(app.service) : undefined;
  },
};
