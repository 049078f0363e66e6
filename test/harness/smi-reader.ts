import { z } from 'zod';
import type { ResourceType } from '../../src/kube/types.js';
import { apex } from './ingress-readers.js';
import type { ObjectLookup, RoutingReader } from './routing-readers.js';
import type { SimulatedApp } from './simulated-app.js';
import type { Routing } from './traffic-split.js';

const trafficSplit = z.object({
  spec: z.object({
    service: z.string(),
    backends: z.array(z.object({ service: z.string(), weight: z.union([z.number(), z.string()]) })),
  }),
});

/**
 * A backend's weight as Linkerd reads it: v1alpha1 takes Kubernetes quantities ("100", "500m"),
 * v1alpha2 numbers. Kept apart from the router's parser on purpose: the simulator checks it.
 */
function weightOf(weight: number | string): number {
  if (typeof weight === 'number') return weight;
  const milli = weight.endsWith('m');
  const value = Number(milli ? weight.slice(0, -1) : weight);
  if (!Number.isFinite(value)) return 0;
  return milli ? value / 1000 : value;
}

/**
 * linkerd (and smi:*): the TrafficSplit named after the apex Service, which the proxies apply to the
 * requests for its `spec.service`. Until it exists, they reach the apex Service itself (which
 * Pennant points at the primary), as Linkerd does without a split.
 */
export function trafficSplitReader(version: 'v1alpha1' | 'v1alpha2' | 'v1alpha3'): RoutingReader {
  const type: ResourceType = { apiVersion: `split.smi-spec.io/${version}`, kind: 'TrafficSplit' };
  return {
    watches: [type],
    routing: (lookup: ObjectLookup, app: SimulatedApp): Routing | undefined => {
      const parsed = trafficSplit.safeParse(lookup(type, app.namespace, app.service));
      const splitsApex = parsed.success && parsed.data.spec.service.split('.')[0] === app.service;
      if (!parsed.success || !splitsApex) return apex(lookup, app);
      const backends = parsed.data.spec.backends.map((b) => ({ service: b.service, weight: weightOf(b.weight) }));
      return { rules: [{ abMatch: false, backends }] };
    },
  };
}
