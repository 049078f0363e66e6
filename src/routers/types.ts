import type { Canary } from '../api/index.js';
import type { RouterCapabilities, Routes } from '../engine/types.js';
import type { KubeClient, ResourceType } from '../kube/types.js';
import type { ObjectReader } from '../workloads/types.js';

/** One per traffic provider, one file each, chosen by the factory. */
export interface Router {
  readonly provider: string;
  readonly capabilities: RouterCapabilities;
  /** Resource types it reads from the informer cache. */
  readonly watches: ResourceType[];
  /** Creates or repairs the Services and the provider's objects, keeping the current weights. */
  reconcile(canary: Canary): Promise<void>;
  setRoutes(canary: Canary, routes: Routes): Promise<void>;
  /** From the informer cache; null while the router's objects do not exist. */
  getRoutes(canary: Canary): Routes | null;
  /** revertOnDeletion: hand traffic back to the target as it was before Pennant. */
  finalize(canary: Canary): Promise<void>;
}

/** How `pennant run` was configured for the routers. */
export interface RouterOptions {
  /** `--ingress-class`: Contour's HTTPProxies get it as `spec.ingressClassName` (Flagger's `-ingress-class`). */
  ingressClass?: string;
}

export interface RouterDeps extends RouterOptions {
  kube: KubeClient;
  cache: ObjectReader;
}

export class RouterError extends Error {
  override readonly name = 'RouterError';
}
