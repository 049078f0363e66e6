import type { Canary } from '../api/index.js';
import type { RouterCapabilities, Routes } from '../engine/types.js';
import { deepEqual } from '../kube/json.js';
import { capabilitiesOf } from './capabilities.js';
import { applyIfChanged } from './apply.js';
import { buildService, DEPLOYMENT, released, namespaceOf, readTarget, SERVICE, selectors, serviceName } from './services.js';
import { type Router, type RouterDeps, RouterError } from './types.js';

/**
 * The `kubernetes` provider: Services only. The apex Service selects the primary's pods or the
 * canary's, so traffic moves all at once (blue/green); the canary is tested through `<svc>-canary`.
 */
export class KubernetesRouter implements Router {
  readonly provider = 'kubernetes';
  readonly capabilities: RouterCapabilities = capabilitiesOf(this.provider);
  readonly watches = [SERVICE, DEPLOYMENT];

  constructor(private readonly deps: RouterDeps) {}

  async reconcile(canary: Canary): Promise<void> {
    const routes = this.getRoutes(canary) ?? { primary: 100, canary: 0, mirror: false };
    await this.applyServices(canary, routes);
  }

  async setRoutes(canary: Canary, routes: Routes): Promise<void> {
    if (routes.primary !== 100 && routes.canary !== 100) {
      throw new RouterError(`kubernetes: Services cannot split traffic ${routes.primary}/${routes.canary}; only all to the primary or all to the canary`);
    }
    await this.applyServices(canary, routes);
  }

  getRoutes(canary: Canary): Routes | null {
    const selectorOf = (name: string) =>
      (this.deps.cache.get(SERVICE, namespaceOf(canary), name)?.spec as { selector?: Record<string, string> } | undefined)?.selector;
    const selector = selectorOf(serviceName(canary));
    if (!selector) return null;
    // Compared with the -canary Service, so a target whose own label value ends in "-primary" is read right.
    const canarySelector = selectorOf(`${serviceName(canary)}-canary`);
    const toCanary = canarySelector ? deepEqual(selector, canarySelector) : !Object.values(selector).some((v) => v.endsWith('-primary'));
    return toCanary ? { primary: 0, canary: 100, mirror: false } : { primary: 100, canary: 0, mirror: false };
  }

  /** The apex goes back to selecting the target's pods, as before Pennant. */
  async finalize(canary: Canary): Promise<void> {
    const sel = selectors(canary, this.deps.cache);
    await applyIfChanged(this.deps, released(buildService(canary, 'apex', sel, sel.canary, readTarget(canary, this.deps.cache))));
  }

  private async applyServices(canary: Canary, routes: Routes): Promise<void> {
    const sel = selectors(canary, this.deps.cache);
    const target = readTarget(canary, this.deps.cache);
    const apexSelects = routes.canary === 100 ? sel.canary : sel.primary;
    await applyIfChanged(this.deps, buildService(canary, 'canary', sel, sel.canary, target));
    await applyIfChanged(this.deps, buildService(canary, 'primary', sel, sel.primary, target));
    await applyIfChanged(this.deps, buildService(canary, 'apex', sel, apexSelects, target));
  }
}
