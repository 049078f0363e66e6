import { z } from 'zod';
import type { Canary } from '../api/index.js';
import type { RouterCapabilities, Routes } from '../engine/types.js';
import type { KubeObject, ResourceType } from '../kube/types.js';
import { ownerReference } from '../workloads/primary.js';
import { applyServices, releaseApex } from './apex.js';
import { capabilitiesOf } from './capabilities.js';
import { applyIfChanged } from './apply.js';
import { handsOff } from './gitops-hands-off.js';
import { cookiesInUse, sessionAffinity, STICKY_ROUTE_NAMES } from './istio-affinity.js';
import { ORIGINAL_ANNOTATION, ownerOf, restoredVirtualService } from './istio-takeover.js';
import {
  abCondition, canaryHost, destination, destinations, type HttpRoute, mergeMatches, mirrorOf, primaryHost, routeOptions, serviceMatches,
} from './istio-routes.js';
import { DEPLOYMENT, namespaceOf, released, SERVICE, serviceName } from './services.js';
import { type Router, type RouterDeps, RouterError } from './types.js';

export const VIRTUAL_SERVICE: ResourceType = { apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService' };
export const DESTINATION_RULE: ResourceType = { apiVersion: 'networking.istio.io/v1beta1', kind: 'DestinationRule' };

const ALL_TO_PRIMARY: Routes = { primary: 100, canary: 0, mirror: false };

/** What getRoutes reads back from the cache; the rest of the VirtualService is ours and rebuilt. */
const cachedVirtualService = z.object({
  spec: z.object({
    http: z
      .array(
        z.looseObject({
          name: z.string().optional(),
          route: z.array(z.looseObject({ destination: z.looseObject({ host: z.string() }), weight: z.number().optional() })).optional(),
          mirror: z.looseObject({ host: z.string() }).optional(),
        }),
      )
      .optional(),
  }),
});

/**
 * Istio (`istio`): a DestinationRule for `<svc>-primary` and `<svc>-canary` (the Canary's
 * trafficPolicy) and a VirtualService `<svc>` whose last http route splits traffic between them by
 * weight. A/B testing adds a route in front of it that sends the matching requests to the canary;
 * mirroring copies requests to the canary; session affinity adds cookie routes (istio-affinity.ts).
 */
export class IstioRouter implements Router {
  readonly provider = 'istio';
  readonly capabilities: RouterCapabilities = capabilitiesOf(this.provider);
  readonly watches: ResourceType[] = [SERVICE, DEPLOYMENT, VIRTUAL_SERVICE, DESTINATION_RULE];

  constructor(private readonly deps: RouterDeps) {}

  async reconcile(canary: Canary): Promise<void> {
    checkSpec(canary);
    await applyServices(this.deps, canary, 'primary');
    await applyIfChanged(this.deps, destinationRule(canary, primaryHost(serviceName(canary))));
    await applyIfChanged(this.deps, destinationRule(canary, canaryHost(serviceName(canary))));
    await applyIfChanged(this.deps, this.build(canary, this.getRoutes(canary) ?? ALL_TO_PRIMARY));
  }

  async setRoutes(canary: Canary, routes: Routes): Promise<void> {
    checkSpec(canary);
    if (routes.primary + routes.canary !== 100) throw new RouterError(`istio: weights must add up to 100, got ${routes.primary}/${routes.canary}`);
    if (!Number.isInteger(routes.primary) || !Number.isInteger(routes.canary)) {
      throw new RouterError(`istio: VirtualService weights are whole numbers, got ${routes.primary}/${routes.canary}; use whole stepWeight(s)`);
    }
    if (routes.matchedOnly && !canary.spec.analysis.match?.length) throw new RouterError('istio: A/B routes need spec.analysis.match');
    await applyIfChanged(this.deps, this.build(canary, routes));
  }

  getRoutes(canary: Canary): Routes | null {
    const svc = serviceName(canary);
    const current = this.currentRoutes(canary);
    const http = current.filter((r) => !STICKY_ROUTE_NAMES.includes(r.name ?? ''));
    // The first route that names the canary carries the weights: the A/B route when there is one.
    const weighted = http.find((r) => r.route.some((d) => d.destination.host === canaryHost(svc)));
    if (!weighted) return null;
    const weightOf = (host: string) => weighted.route.find((d) => d.destination.host === host)?.weight ?? 0;
    const matchedOnly = http.length > 1 && weighted !== http[http.length - 1];
    const mirror = http.some((r) => r.mirror?.host === canaryHost(svc));
    const cookies = cookiesInUse(current, svc);
    return {
      primary: weightOf(primaryHost(svc)),
      canary: weightOf(canaryHost(svc)),
      mirror,
      ...(matchedOnly ? { matchedOnly } : {}),
      ...(cookies ? { cookies } : {}),
    };
  }

  /**
   * revertOnDeletion: the apex Service selects the target's pods again and is released from the
   * Canary so it outlives it. The user's own VirtualService gets back the spec it had before Pennant
   * took it over (gateways, hosts, retries…); one Pennant generated sends every request to the apex
   * Service and is released too. The DestinationRules and the -primary/-canary Services go with the Canary.
   */
  async finalize(canary: Canary): Promise<void> {
    await releaseApex(this.deps, canary);
    const current = this.deps.cache.get(VIRTUAL_SERVICE, namespaceOf(canary), serviceName(canary));
    const owner = ownerOf(current);
    if (current && owner.kind === 'user') {
      // Not applyIfChanged: the restored object must not carry Pennant's applied-hash either.
      await this.deps.kube.apply(restoredVirtualService(current, owner.original), { force: true });
      return;
    }
    const svc = serviceName(canary);
    const handBack: HttpRoute = { ...serviceMatchField(canary), ...routeOptions(canary), route: [destination(canary, svc, 100)] };
    await applyIfChanged(this.deps, released(this.virtualService(canary, [handBack])));
  }

  /** The VirtualService for `routes`: sticky routes, the A/B route, then the weighted route. */
  build(canary: Canary, routes: Routes): KubeObject {
    const svc = serviceName(canary);
    const ab = Boolean(routes.matchedOnly && canary.spec.analysis.match?.length);
    const [primary, canaryWeight] = ab ? [100, 0] : [routes.primary, routes.canary];
    const affinity = sessionAffinity(canary, svc, routes, destinations(canary, svc, primary, canaryWeight), this.currentRoutes(canary));
    const abRoutes: HttpRoute[] = ab
      ? [{
          match: mergeMatches((canary.spec.analysis.match ?? []).map(abCondition), serviceMatches(canary)),
          ...routeOptions(canary),
          route: destinations(canary, svc, routes.primary, routes.canary),
        }]
      : [];
    const main: HttpRoute = {
      ...serviceMatchField(canary),
      ...routeOptions(canary),
      route: affinity.weighted,
      ...(routes.mirror ? mirrorOf(canary, svc) : {}),
    };
    return this.virtualService(canary, [...affinity.routes, ...abRoutes, main]);
  }

  private virtualService(canary: Canary, http: HttpRoute[]): KubeObject {
    const service = canary.spec.service;
    const svc = serviceName(canary);
    // A delegate VirtualService has neither hosts nor gateways: the delegating one decides them.
    const hosts = [...(service?.hosts ?? [])];
    if (!hosts.includes(svc) && !hosts.includes('*')) hosts.push(svc);
    const gateways = service?.gateways?.length ? service.gateways : ['mesh'];
    const owner = ownerOf(this.deps.cache.get(VIRTUAL_SERVICE, namespaceOf(canary), svc));
    const original: Record<string, string> = owner.kind === 'user' ? { [ORIGINAL_ANNOTATION]: owner.original } : {};
    return {
      apiVersion: VIRTUAL_SERVICE.apiVersion,
      kind: VIRTUAL_SERVICE.kind,
      metadata: {
        name: svc,
        namespace: namespaceOf(canary),
        labels: service?.apex?.labels ?? {},
        annotations: handsOff({ ...service?.apex?.annotations, ...original }),
        ...(owner.kind === 'generated' ? { ownerReferences: [ownerReference(canary)] } : {}),
      },
      spec: { ...(service?.delegation ? {} : { hosts, gateways }), http },
    };
  }

  private currentRoutes(canary: Canary): HttpRoute[] {
    const parsed = cachedVirtualService.safeParse(this.deps.cache.get(VIRTUAL_SERVICE, namespaceOf(canary), serviceName(canary)));
    if (!parsed.success) return [];
    return (parsed.data.spec.http ?? []).map((r) => ({ ...r, route: (r.route ?? []).map((d) => ({ ...d, weight: d.weight ?? 0 })) }) as HttpRoute);
  }
}

function serviceMatchField(canary: Canary): { match?: HttpRoute['match'] } {
  const match = serviceMatches(canary);
  return match.length ? { match } : {};
}

function destinationRule(canary: Canary, name: string): KubeObject {
  const namespace = namespaceOf(canary);
  const trafficPolicy = canary.spec.service?.trafficPolicy;
  return {
    apiVersion: DESTINATION_RULE.apiVersion,
    kind: DESTINATION_RULE.kind,
    metadata: { name, namespace, annotations: handsOff({}), ownerReferences: [ownerReference(canary)] },
    spec: { host: `${name}.${namespace}.svc.cluster.local`, ...(trafficPolicy ? { trafficPolicy } : {}) },
  };
}

/** What the router cannot express, as an error the user can act on; never a silent fallback. */
function checkSpec(canary: Canary): void {
  const service = canary.spec.service;
  if (!service) throw new RouterError('istio: spec.service is required to generate the Services and the VirtualService');
  if (service.delegation && (service.hosts?.length || service.gateways?.length)) {
    throw new RouterError(
      `istio: VirtualService ${namespaceOf(canary)}/${serviceName(canary)} is a delegate (spec.service.delegation) and cannot have hosts or gateways; ` +
        'remove spec.service.hosts and spec.service.gateways, and set them on the delegating VirtualService',
    );
  }
  if (service.appProtocol?.toLowerCase() === 'tcp') {
    throw new RouterError('istio: TCP routes (spec.service.appProtocol: tcp) are not supported yet; remove appProtocol to route HTTP');
  }
}
