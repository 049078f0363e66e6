import type { Canary } from '../api/index.js';
import type { RouterCapabilities, Routes } from '../engine/types.js';
import { deepEqual } from '../kube/json.js';
import { applyServices, managesApex, releaseApex } from './apex.js';
import { capabilitiesOf } from './capabilities.js';
import { namespaceOf, SERVICE, serviceName } from './services.js';
import { type Router, type RouterDeps, RouterError } from './types.js';

/**
 * The `kubernetes` provider: Services only. The apex Service selects the primary's pods or the
 * canary's, so traffic moves all at once (blue/green); the canary is tested through `<svc>-canary`.
 */
export class KubernetesRouter implements Router {
  readonly provider = 'kubernetes';
  readonly capabilities: RouterCapabilities = capabilitiesOf(this.provider);
  // Services only: the target, a Deployment or a DaemonSet, is watched by its workload (src/workloads/).
  readonly watches = [SERVICE];

  constructor(private readonly deps: RouterDeps) {}

  async reconcile(canary: Canary): Promise<void> {
    const routes = this.getRoutes(canary) ?? { primary: 100, canary: 0, mirror: false };
    await applyServices(this.deps, canary, routes.canary === 100 ? 'canary' : 'primary');
  }

  async setRoutes(canary: Canary, routes: Routes): Promise<void> {
    if (routes.primary !== 100 && routes.canary !== 100) {
      throw new RouterError(`kubernetes: Services cannot split traffic ${routes.primary}/${routes.canary}; only all to the primary or all to the canary`);
    }
    await applyServices(this.deps, canary, routes.canary === 100 ? 'canary' : 'primary');
  }

  /**
   * Read from the apex Service's selector, once Pennant manages it: a user's Service that still
   * selects the target's pods is not a route to the canary, it is what initialisation takes over.
   */
  getRoutes(canary: Canary): Routes | null {
    const serviceOf = (name: string) => this.deps.cache.get(SERVICE, namespaceOf(canary), name);
    const apex = serviceOf(serviceName(canary));
    const selector = (apex?.spec as { selector?: Record<string, string> } | undefined)?.selector;
    if (!selector || !managesApex(canary, apex)) return null;
    // Compared with the -canary Service, so a target whose own label value ends in "-primary" is read right.
    const canarySelector = (serviceOf(`${serviceName(canary)}-canary`)?.spec as { selector?: Record<string, string> } | undefined)?.selector;
    const toCanary = canarySelector ? deepEqual(selector, canarySelector) : !Object.values(selector).some((v) => v.endsWith('-primary'));
    return toCanary ? { primary: 0, canary: 100, mirror: false } : { primary: 100, canary: 0, mirror: false };
  }

  /** The apex goes back to selecting the target's pods, as before Pennant. */
  async finalize(canary: Canary): Promise<void> {
    await releaseApex(this.deps, canary);
  }
}
