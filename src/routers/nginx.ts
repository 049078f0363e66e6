import type { Canary } from '../api/index.js';
import type { RouterCapabilities, Routes } from '../engine/types.js';
import type { KubeObject, ResourceType } from '../kube/types.js';
import { ownerReference } from '../workloads/primary.js';
import { applyServices, releaseApex } from './apex.js';
import { capabilitiesOf } from './capabilities.js';
import { applyIfChanged } from './apply.js';
import { handsOff } from './gitops-hands-off.js';
import { isCanaryAnnotation, nginxMatch, routeAnnotations, routesOf } from './nginx-annotations.js';
import { DEPLOYMENT, namespaceOf, SERVICE, serviceName } from './services.js';
import { type Router, type RouterDeps, RouterError } from './types.js';

export const INGRESS: ResourceType = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' };

/**
 * Labels and annotations of the user's Ingress that are not copied to the canary Ingress: kubectl's
 * record of the user's object, and Flux's bookkeeping (the copy is Pennant's, not Flux's).
 */
const isCopied = (key: string): boolean => key !== 'kubectl.kubernetes.io/last-applied-configuration' && !key.includes('toolkit.fluxcd.io');

interface IngressBackend { service?: { name?: string } }
interface IngressSpec {
  defaultBackend?: IngressBackend;
  rules?: { http?: { paths?: { backend?: IngressBackend }[] } }[];
}

/**
 * NGINX Ingress (`nginx`), Flagger's way: the user's Ingress (`spec.ingressRef`) keeps sending
 * traffic to the apex Service `<svc>`, which selects the primary's pods; a copy of it,
 * `<ingress>-canary`, sends to `<svc>-canary` and carries ingress-nginx's canary annotations: the
 * weight, or for A/B testing the one header and/or cookie that send a request to the canary.
 */
export class NginxRouter implements Router {
  readonly provider = 'nginx';
  readonly capabilities: RouterCapabilities = capabilitiesOf(this.provider);
  readonly watches = [SERVICE, DEPLOYMENT, INGRESS];

  constructor(private readonly deps: RouterDeps) {}

  async reconcile(canary: Canary): Promise<void> {
    const ingress = this.userIngress(canary);
    // A/B testing that ingress-nginx cannot express fails now, not at the first analysis step.
    if ((canary.spec.analysis.iterations ?? 0) > 0 && canary.spec.analysis.match?.length) nginxMatch(canary.spec.analysis.match);
    await applyServices(this.deps, canary, 'primary');
    await applyIfChanged(this.deps, canaryIngress(canary, ingress, this.getRoutes(canary) ?? { primary: 100, canary: 0, mirror: false }));
  }

  async setRoutes(canary: Canary, routes: Routes): Promise<void> {
    if (routes.mirror) throw new RouterError('nginx: ingress-nginx cannot mirror traffic');
    if (!isSplit(routes)) throw new RouterError(`nginx: weights must be whole numbers adding up to 100, got ${routes.primary}/${routes.canary}`);
    await applyIfChanged(this.deps, canaryIngress(canary, this.userIngress(canary), routes));
  }

  getRoutes(canary: Canary): Routes | null {
    const name = ingressName(canary);
    const copy = name ? this.deps.cache.get(INGRESS, namespaceOf(canary), `${name}-canary`) : undefined;
    return copy ? routesOf(copy.metadata.annotations ?? {}) : null;
  }

  /**
   * revertOnDeletion: the apex Service, which the user's Ingress sends to, selects the target's pods
   * again and outlives the Canary; the canary Ingress, weight 0 until the garbage collector takes it.
   */
  async finalize(canary: Canary): Promise<void> {
    await releaseApex(this.deps, canary);
    const name = ingressName(canary);
    const ingress = name ? this.deps.cache.get(INGRESS, namespaceOf(canary), name) : undefined;
    if (ingress) await applyIfChanged(this.deps, canaryIngress(canary, ingress, { primary: 100, canary: 0, mirror: false }));
  }

  private userIngress(canary: Canary): KubeObject {
    const ref = canary.spec.ingressRef;
    if (!ref) throw new RouterError('nginx: spec.ingressRef must name the Ingress (networking.k8s.io/v1) that routes to the apex Service');
    if (ref.namespace && ref.namespace !== namespaceOf(canary)) {
      throw new RouterError(`nginx: spec.ingressRef must be in the Canary's namespace ${namespaceOf(canary)}, not ${ref.namespace}`);
    }
    const ingress = this.deps.cache.get(INGRESS, namespaceOf(canary), ref.name);
    if (!ingress) throw new RouterError(`nginx: Ingress ${namespaceOf(canary)}/${ref.name} (spec.ingressRef) not found`);
    return ingress;
  }
}

const ingressName = (canary: Canary): string | undefined => canary.spec.ingressRef?.name;

const isSplit = (routes: Routes): boolean =>
  Number.isInteger(routes.primary) && Number.isInteger(routes.canary) && routes.primary >= 0 && routes.canary >= 0 && routes.primary + routes.canary === 100;

/** `<ingress>-canary`: the user's Ingress with its backends on `<svc>` moved to `<svc>-canary`, and the canary annotations. */
export function canaryIngress(canary: Canary, ingress: KubeObject, routes: Routes): KubeObject {
  const svc = serviceName(canary);
  const { spec, moved } = withBackend(ingress.spec as IngressSpec | undefined, svc, `${svc}-canary`);
  if (moved === 0) {
    throw new RouterError(
      `nginx: Ingress ${namespaceOf(canary)}/${ingress.metadata.name ?? ''} has no backend on the Service ${svc}; ` +
        `point it at ${svc}, which Pennant routes to the primary`,
    );
  }
  const copied = Object.entries(ingress.metadata.annotations ?? {}).filter(([key]) => !isCanaryAnnotation(key) && isCopied(key));
  const labels = Object.entries(ingress.metadata.labels ?? {}).filter(([key]) => isCopied(key));
  return {
    apiVersion: INGRESS.apiVersion,
    kind: INGRESS.kind,
    metadata: {
      name: `${ingress.metadata.name ?? ''}-canary`,
      namespace: namespaceOf(canary),
      labels: Object.fromEntries(labels),
      annotations: handsOff({ ...Object.fromEntries(copied), ...routeAnnotations(canary, routes) }),
      ownerReferences: [ownerReference(canary)],
    },
    spec,
  };
}

/** A copy of the spec with every backend on Service `from` moved to `to`, and how many were. */
function withBackend(spec: IngressSpec | undefined, from: string, to: string): { spec: IngressSpec; moved: number } {
  const copy = structuredClone(spec ?? {});
  let moved = 0;
  const move = (backend: IngressBackend | undefined): void => {
    if (backend?.service?.name !== from) return;
    backend.service.name = to;
    moved++;
  };
  move(copy.defaultBackend);
  for (const rule of copy.rules ?? []) for (const path of rule.http?.paths ?? []) move(path.backend);
  return { spec: copy, moved };
}
