import type { Canary } from '../api/index.js';
import type { RouterCapabilities, Routes } from '../engine/types.js';
import type { KubeObject, ResourceType } from '../kube/types.js';
import { ownerReference } from '../workloads/primary.js';
import { applyServices, releaseApex } from './apex.js';
import { capabilitiesOf } from './capabilities.js';
import { applyIfChanged } from './apply.js';
import { handsOff } from './gitops-hands-off.js';
import { DEPLOYMENT, namespaceOf, released, SERVICE, serviceName } from './services.js';
import { type Router, type RouterDeps, RouterError } from './types.js';

export const TRAEFIK_SERVICE: ResourceType = { apiVersion: 'traefik.io/v1alpha1', kind: 'TraefikService' };

interface WeightedService { name: string; kind?: string; port?: number | string; weight?: number }

/**
 * Traefik (`traefik`): a TraefikService named after the service whose weighted round robin splits
 * traffic between `<svc>-primary` and `<svc>-canary`; the user's IngressRoute sends to it (kind:
 * TraefikService), as in Flagger's tutorial. Traefik cannot match requests by header for a
 * TraefikService (Flagger has no A/B testing for it either), and its mirroring is a different kind
 * of TraefikService that cannot also split by weight, so neither is offered.
 */
export class TraefikRouter implements Router {
  readonly provider = 'traefik';
  readonly capabilities: RouterCapabilities = capabilitiesOf(this.provider);
  readonly watches = [SERVICE, DEPLOYMENT, TRAEFIK_SERVICE];

  constructor(private readonly deps: RouterDeps) {}

  async reconcile(canary: Canary): Promise<void> {
    await applyServices(this.deps, canary, 'primary');
    await applyIfChanged(this.deps, buildTraefikService(canary, this.getRoutes(canary) ?? { primary: 100, canary: 0, mirror: false }));
  }

  async setRoutes(canary: Canary, routes: Routes): Promise<void> {
    if (routes.mirror) throw new RouterError('traefik: a weighted TraefikService cannot mirror traffic');
    if (routes.matchedOnly) throw new RouterError('traefik: a TraefikService cannot route requests by header (no A/B testing)');
    const whole = Number.isInteger(routes.primary) && Number.isInteger(routes.canary) && routes.primary >= 0 && routes.canary >= 0;
    if (!whole || routes.primary + routes.canary !== 100) {
      throw new RouterError(`traefik: weights must be whole numbers adding up to 100, got ${routes.primary}/${routes.canary}`);
    }
    await applyIfChanged(this.deps, buildTraefikService(canary, routes));
  }

  /** A service that is not listed has weight 0 (Flagger leaves the canary out until it has some). */
  getRoutes(canary: Canary): Routes | null {
    const obj = this.deps.cache.get(TRAEFIK_SERVICE, namespaceOf(canary), serviceName(canary));
    const services = (obj?.spec as { weighted?: { services?: WeightedService[] } } | undefined)?.weighted?.services;
    if (!services) return null;
    const svc = serviceName(canary);
    const weightOf = (name: string) => services.find((s) => s.name === name && (s.kind ?? 'Service') === 'Service')?.weight ?? 0;
    return { primary: weightOf(`${svc}-primary`), canary: weightOf(`${svc}-canary`), mirror: false };
  }

  /** revertOnDeletion: the TraefikService sends everything to the apex Service, which selects the target's pods; both outlive the Canary. */
  async finalize(canary: Canary): Promise<void> {
    await releaseApex(this.deps, canary);
    const handBack = buildTraefikService(canary, { primary: 100, canary: 0, mirror: false });
    const services: WeightedService[] = [{ name: serviceName(canary), port: port(canary), weight: 100 }];
    await applyIfChanged(this.deps, released({ ...handBack, spec: { weighted: { services } } }));
  }
}

function port(canary: Canary): number {
  const p = canary.spec.service?.port;
  if (p === undefined) throw new RouterError('traefik: spec.service.port is required');
  return p;
}

/** The TraefikService `<svc>`: both Services listed with their weights (Traefik skips a weight of 0). */
export function buildTraefikService(canary: Canary, routes: Routes): KubeObject {
  const svc = serviceName(canary);
  const services: WeightedService[] = [
    { name: `${svc}-primary`, port: port(canary), weight: routes.primary },
    { name: `${svc}-canary`, port: port(canary), weight: routes.canary },
  ];
  return {
    apiVersion: TRAEFIK_SERVICE.apiVersion,
    kind: TRAEFIK_SERVICE.kind,
    metadata: { name: svc, namespace: namespaceOf(canary), annotations: handsOff({}), ownerReferences: [ownerReference(canary)] },
    spec: { weighted: { services } },
  };
}
