import type { Canary } from '../api/index.js';
import type { RouterCapabilities, Routes } from '../engine/types.js';
import type { KubeObject, ResourceType } from '../kube/types.js';
import { ownerReference } from '../workloads/primary.js';
import { applyServices, releaseApex } from './apex.js';
import { capabilitiesOf } from './capabilities.js';
import { applyIfChanged } from './apply.js';
import { abConditions, type Condition, isMatchRoute, pathConditions } from './contour-conditions.js';
import { handsOff } from './gitops-hands-off.js';
import { DEPLOYMENT, namespaceOf, released, SERVICE, serviceName } from './services.js';
import { type Router, type RouterDeps, RouterError } from './types.js';

export const HTTPPROXY: ResourceType = { apiVersion: 'projectcontour.io/v1', kind: 'HTTPProxy' };

interface ProxyService { name: string; port: number; weight?: number; mirror?: boolean }
interface ProxyRoute { conditions?: Condition[]; services?: ProxyService[] }

/**
 * Contour (`contour`): an HTTPProxy named after the service, without a virtual host (the user's root
 * HTTPProxy includes it, as in Flagger's tutorial). Each route splits traffic between `<svc>-primary`
 * and `<svc>-canary` by weight; A/B testing adds routes in front that only matching requests take;
 * mirroring adds `<svc>-canary` as the route's mirror service.
 */
export class ContourRouter implements Router {
  readonly provider = 'contour';
  readonly capabilities: RouterCapabilities = capabilitiesOf(this.provider);
  readonly watches = [SERVICE, DEPLOYMENT, HTTPPROXY];

  constructor(private readonly deps: RouterDeps) {}

  async reconcile(canary: Canary): Promise<void> {
    // A/B testing that Contour cannot express fails now, not at the first analysis step.
    if ((canary.spec.analysis.iterations ?? 0) > 0 && canary.spec.analysis.match?.length) abConditions(canary.spec.analysis.match);
    await applyServices(this.deps, canary, 'primary');
    await applyIfChanged(this.deps, buildHttpProxy(canary, this.getRoutes(canary) ?? { primary: 100, canary: 0, mirror: false }, this.deps.ingressClass));
  }

  async setRoutes(canary: Canary, routes: Routes): Promise<void> {
    const whole = Number.isInteger(routes.primary) && Number.isInteger(routes.canary) && routes.primary >= 0 && routes.canary >= 0;
    if (!whole || routes.primary + routes.canary !== 100) {
      throw new RouterError(`contour: weights must be whole numbers adding up to 100, got ${routes.primary}/${routes.canary}`);
    }
    if (routes.matchedOnly && !canary.spec.analysis.match?.length) throw new RouterError('contour: A/B routes need spec.analysis.match');
    await applyIfChanged(this.deps, buildHttpProxy(canary, routes, this.deps.ingressClass));
  }

  getRoutes(canary: Canary): Routes | null {
    const proxy = this.deps.cache.get(HTTPPROXY, namespaceOf(canary), serviceName(canary));
    const routes = (proxy?.spec as { routes?: ProxyRoute[] } | undefined)?.routes ?? [];
    const main = routes.find((r) => !isMatchRoute(r.conditions));
    if (!main?.services) return null;
    const matched = routes.find((r) => isMatchRoute(r.conditions));
    const svc = serviceName(canary);
    const weightOf = (route: ProxyRoute, name: string) => route.services?.find((s) => s.name === name && !s.mirror)?.weight ?? 0;
    const weighted = matched ?? main;
    const mirror = main.services.some((s) => s.mirror === true);
    return { primary: weightOf(weighted, `${svc}-primary`), canary: weightOf(weighted, `${svc}-canary`), mirror, ...(matched ? { matchedOnly: true } : {}) };
  }

  /** revertOnDeletion: every request through the HTTPProxy to the apex Service, which selects the target's pods; both outlive the Canary. */
  async finalize(canary: Canary): Promise<void> {
    await releaseApex(this.deps, canary);
    const proxy = buildHttpProxy(canary, { primary: 100, canary: 0, mirror: false }, this.deps.ingressClass);
    const spec = proxy.spec as { routes: (ProxyRoute & { services: ProxyService[] })[] };
    const apex = serviceName(canary);
    const routes = spec.routes.map((route) => ({ ...route, services: [proxyService(canary, apex, 100)] }));
    await applyIfChanged(this.deps, released({ ...proxy, spec: { ...spec, routes } }));
  }
}

/**
 * The HTTPProxy `<svc>` for these routes. With `--ingress-class` it names the class in
 * `spec.ingressClassName`, as Flagger's `-ingress-class` does: a Contour started with
 * `--ingress-class-name` ignores HTTPProxies of no class (or another one).
 */
export function buildHttpProxy(canary: Canary, routes: Routes, ingressClass?: string): KubeObject {
  const svc = serviceName(canary);
  const weighted = (primary: number, canaryWeight: number): ProxyService[] => [
    proxyService(canary, `${svc}-primary`, primary),
    proxyService(canary, `${svc}-canary`, canaryWeight),
  ];
  const policies = routePolicies(canary);
  const paths = pathConditions(canary.spec.service?.match);
  const matches = routes.matchedOnly ? abConditions(canary.spec.analysis.match ?? []) : [];
  const matchRoutes = paths.flatMap((path) =>
    matches.map((conditions) => ({ conditions: [path, ...conditions], ...policies, services: weighted(routes.primary, routes.canary) })));
  const mirror = routes.mirror ? [mirrorService(canary, `${svc}-canary`)] : [];
  const main = matches.length ? weighted(100, 0) : weighted(routes.primary, routes.canary);
  return {
    apiVersion: HTTPPROXY.apiVersion,
    kind: HTTPPROXY.kind,
    metadata: { name: svc, namespace: namespaceOf(canary), annotations: handsOff({}), ownerReferences: [ownerReference(canary)] },
    spec: {
      ...(ingressClass ? { ingressClassName: ingressClass } : {}),
      routes: [...matchRoutes, ...paths.map((path) => ({ conditions: [path], ...policies, services: [...main, ...mirror] }))],
    },
  };
}

function port(canary: Canary): number {
  const p = canary.spec.service?.port;
  if (p === undefined) throw new RouterError('contour: spec.service.port is required');
  return p;
}

/**
 * A weighted service. `l5d-dst-override` lets a Linkerd proxy next to Envoy route by the Service, as
 * Flagger sets it; without Linkerd the header is ignored.
 */
function proxyService(canary: Canary, name: string, weight: number): ProxyService & Record<string, unknown> {
  const value = `${name}.${namespaceOf(canary)}.svc.cluster.local:${port(canary)}`;
  return { name, port: port(canary), weight, requestHeadersPolicy: { set: [{ name: 'l5d-dst-override', value }] } };
}

/** analysis.mirrorWeight is the share mirrored; without it (or 0) Contour mirrors every request. */
function mirrorService(canary: Canary, name: string): ProxyService {
  const share = canary.spec.analysis.mirrorWeight;
  return { name, port: port(canary), mirror: true, ...(share ? { weight: share } : {}) };
}

/** service.timeout → timeoutPolicy.response; service.retries → retryPolicy (retryOn may list several, comma-separated). */
function routePolicies(canary: Canary): Record<string, unknown> {
  const { timeout, retries } = canary.spec.service ?? {};
  const retryOn = retries?.retryOn?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
  return {
    ...(timeout ? { timeoutPolicy: { response: timeout } } : {}),
    ...(retries
      ? {
          retryPolicy: {
            ...(retries.attempts !== undefined ? { count: retries.attempts } : {}),
            ...(retries.perTryTimeout ? { perTryTimeout: retries.perTryTimeout } : {}),
            ...(retryOn.length ? { retryOn } : {}),
          },
        }
      : {}),
  };
}
