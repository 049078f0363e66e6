import { z } from 'zod';
import type { KubeObject, ResourceType } from '../../src/kube/types.js';
import { contourReader, nginxReader, traefikReader } from './ingress-readers.js';
import { istioReader } from './istio-routing.js';
import type { SimulatedApp } from './simulated-app.js';
import { trafficSplitReader } from './smi-reader.js';
import { singleService, type RouteRule, type Routing } from './traffic-split.js';

export type ObjectLookup = (type: ResourceType, namespace: string, name: string) => KubeObject | undefined;

/** How one provider's routing objects turn into a Routing. One per router; add new routers here. */
export interface RoutingReader {
  /** Kinds to keep informers on (Services and Pods are always watched). */
  watches: readonly ResourceType[];
  /** undefined: nothing routes this app yet, so no requests arrive. */
  routing(lookup: ObjectLookup, app: SimulatedApp): Routing | undefined;
}

export const SERVICE: ResourceType = { apiVersion: 'v1', kind: 'Service' };

/** kubernetes: clients call the apex Service, whose selector points at the primary's or the canary's pods. */
const kubernetesReader: RoutingReader = {
  watches: [],
  routing: (lookup, app) => (lookup(SERVICE, app.namespace, app.service) ? singleService(app.service) : undefined),
};

const stringList = z.array(z.unknown()).optional();
const httpRoute = z.object({
  spec: z.object({
    rules: z
      .array(
        z.object({
          matches: z.array(z.object({ headers: stringList, queryParams: stringList })).optional(),
          backendRefs: z
            .array(z.object({ name: z.string(), kind: z.string().optional(), weight: z.number().optional() }))
            .optional(),
          filters: z
            .array(
              z.object({
                type: z.string(),
                requestMirror: z.object({ backendRef: z.object({ name: z.string() }) }).optional(),
              }),
            )
            .optional(),
        }),
      )
      .optional(),
  }),
});

/** The rules of an HTTPRoute as the gateway would apply them; undefined if it is not one we can read. */
export function routingFromHttpRoute(obj: KubeObject): Routing | undefined {
  const parsed = httpRoute.safeParse(obj);
  if (!parsed.success) return undefined;
  const rules: RouteRule[] = (parsed.data.spec.rules ?? []).map((rule) => {
    const mirror = rule.filters?.find((f) => f.type === 'RequestMirror')?.requestMirror?.backendRef.name;
    return {
      abMatch: (rule.matches ?? []).some((m) => (m.headers?.length ?? 0) + (m.queryParams?.length ?? 0) > 0),
      backends: (rule.backendRefs ?? [])
        .filter((b) => (b.kind ?? 'Service') === 'Service')
        .map((b) => ({ service: b.name, weight: b.weight ?? 1 })),
      ...(mirror ? { mirrorTo: mirror } : {}),
    };
  });
  return { rules };
}

/**
 * gatewayapi: the HTTPRoute named after the service. Until it exists, in-cluster clients still
 * reach the apex Service (which Pennant points at the primary), so that is used instead.
 */
function gatewayApiReader(version: 'v1' | 'v1beta1'): RoutingReader {
  const type: ResourceType = { apiVersion: `gateway.networking.k8s.io/${version}`, kind: 'HTTPRoute' };
  return {
    watches: [type],
    routing: (lookup, app) => {
      const route = lookup(type, app.namespace, app.service);
      if (route) return routingFromHttpRoute(route);
      return kubernetesReader.routing(lookup, app);
    },
  };
}

const READERS: Readonly<Record<string, RoutingReader>> = {
  kubernetes: kubernetesReader,
  gatewayapi: gatewayApiReader('v1'),
  'gatewayapi:v1': gatewayApiReader('v1'),
  'gatewayapi:v1beta1': gatewayApiReader('v1beta1'),
  istio: istioReader,
  nginx: nginxReader,
  contour: contourReader,
  traefik: traefikReader,
  linkerd: trafficSplitReader('v1alpha1'),
  'smi:v1alpha1': trafficSplitReader('v1alpha1'),
  'smi:v1alpha2': trafficSplitReader('v1alpha2'),
  'smi:v1alpha3': trafficSplitReader('v1alpha3'),
};

export function routingReaderFor(provider: string): RoutingReader {
  const reader = READERS[provider];
  if (!reader) {
    throw new Error(
      `traffic simulator: no routing reader for provider "${provider}" (have ${Object.keys(READERS).join(', ')}); ` +
        'add one to test/harness/routing-readers.ts',
    );
  }
  return reader;
}
