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

export type SmiProvider = 'linkerd' | 'smi:v1alpha1' | 'smi:v1alpha2' | 'smi:v1alpha3';

/** Linkerd speaks SMI's first TrafficSplit version, as Flagger's `linkerd` router writes it. */
const SPLIT_VERSION: Readonly<Record<SmiProvider, 'v1alpha1' | 'v1alpha2' | 'v1alpha3'>> = {
  linkerd: 'v1alpha1', 'smi:v1alpha1': 'v1alpha1', 'smi:v1alpha2': 'v1alpha2', 'smi:v1alpha3': 'v1alpha3',
};

export const trafficSplitType = (provider: SmiProvider): ResourceType => ({ apiVersion: `split.smi-spec.io/${SPLIT_VERSION[provider]}`, kind: 'TrafficSplit' });

/** v1alpha1 weights are Kubernetes quantities (Flagger writes "100"); v1alpha2 and v1alpha3 take integers. */
interface Backend { service: string; weight: number | string }

/**
 * SMI (`linkerd`, `smi:v1alpha1`, `smi:v1alpha2`, `smi:v1alpha3`): a TrafficSplit named after the
 * apex Service, as Flagger names it, whose backends `<svc>-canary` and `<svc>-primary` share the
 * requests to the apex (`service.hosts[0]` when set) by weight. A TrafficSplit has no header
 * matches and no mirroring, so A/B testing and mirroring are not offered (Flagger has neither on SMI).
 */
export class SmiRouter implements Router {
  readonly capabilities: RouterCapabilities;
  readonly watches: ResourceType[];
  private readonly type: ResourceType;

  constructor(private readonly deps: RouterDeps, readonly provider: SmiProvider) {
    this.capabilities = capabilitiesOf(provider);
    this.type = trafficSplitType(provider);
    this.watches = [SERVICE, DEPLOYMENT, this.type];
  }

  async reconcile(canary: Canary): Promise<void> {
    await applyServices(this.deps, canary, 'primary');
    await applyIfChanged(this.deps, this.build(canary, this.getRoutes(canary) ?? { primary: 100, canary: 0, mirror: false }));
  }

  async setRoutes(canary: Canary, routes: Routes): Promise<void> {
    if (routes.mirror) throw new RouterError(`${this.provider}: a TrafficSplit cannot mirror traffic`);
    if (routes.matchedOnly) throw new RouterError(`${this.provider}: a TrafficSplit cannot route requests by header (no A/B testing)`);
    const whole = Number.isInteger(routes.primary) && Number.isInteger(routes.canary) && routes.primary >= 0 && routes.canary >= 0;
    if (!whole || routes.primary + routes.canary !== 100) {
      throw new RouterError(`${this.provider}: weights must be whole numbers adding up to 100, got ${routes.primary}/${routes.canary}`);
    }
    await applyIfChanged(this.deps, this.build(canary, routes));
  }

  /** A backend that is not listed has weight 0; a TrafficSplit with neither of ours is not Pennant's yet. */
  getRoutes(canary: Canary): Routes | null {
    const obj = this.deps.cache.get(this.type, namespaceOf(canary), serviceName(canary));
    const backends = (obj?.spec as { backends?: Backend[] } | undefined)?.backends;
    if (!backends) return null;
    const svc = serviceName(canary);
    const weightOf = (name: string): number => quantity(backends.find((b) => b.service === name)?.weight);
    return { primary: weightOf(`${svc}-primary`), canary: weightOf(`${svc}-canary`), mirror: false };
  }

  /** revertOnDeletion: the TrafficSplit sends everything to the apex Service, which selects the target's pods; both outlive the Canary. */
  async finalize(canary: Canary): Promise<void> {
    await releaseApex(this.deps, canary);
    const handBack = this.build(canary, { primary: 100, canary: 0, mirror: false });
    const spec = handBack.spec as { service: string };
    await applyIfChanged(this.deps, released({ ...handBack, spec: { ...spec, backends: [this.backend(serviceName(canary), 100)] } }));
  }

  /** The TrafficSplit `<svc>`: canary first, then primary, as Flagger lists them. */
  build(canary: Canary, routes: Routes): KubeObject {
    const svc = serviceName(canary);
    return {
      apiVersion: this.type.apiVersion,
      kind: this.type.kind,
      metadata: { name: svc, namespace: namespaceOf(canary), annotations: handsOff({}), ownerReferences: [ownerReference(canary)] },
      spec: {
        service: canary.spec.service?.hosts?.[0] ?? svc,
        backends: [this.backend(`${svc}-canary`, routes.canary), this.backend(`${svc}-primary`, routes.primary)],
      },
    };
  }

  private backend(service: string, weight: number): Backend {
    return { service, weight: SPLIT_VERSION[this.provider] === 'v1alpha1' ? String(weight) : weight };
  }
}

const SUFFIXES: Readonly<Record<string, number>> = { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9 };

/**
 * A v1alpha1 weight as a number: an integer, or a quantity such as "100" or Linkerd's docs' "500m".
 * What is not one counts as 0, as Flagger reads it.
 */
export function quantity(weight: number | string | undefined): number {
  if (typeof weight === 'number') return weight;
  const match = /^(\d+(?:\.\d+)?)(m|k|M|G)?$/.exec(weight?.trim() ?? '');
  if (!match) return 0;
  return Number(match[1]) * (SUFFIXES[match[2] ?? ''] ?? 1);
}
