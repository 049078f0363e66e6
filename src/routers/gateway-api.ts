import type { Canary, StringMatch } from '../api/index.js';
import type { RouterCapabilities, Routes } from '../engine/types.js';
import type { KubeObject, ResourceType } from '../kube/types.js';
import { ownerReference } from '../workloads/primary.js';
import { applyServices, releaseApex } from './apex.js';
import { capabilitiesOf } from './capabilities.js';
import { applyIfChanged } from './apply.js';
import { handsOff } from './gitops-hands-off.js';
import { DEPLOYMENT, released, SERVICE, namespaceOf, serviceName } from './services.js';
import { type Router, type RouterDeps, RouterError } from './types.js';

const ANNOTATION_ORIGINAL = 'pennant.dev/managed';

type HttpMatch = Record<string, unknown>;
interface BackendRef { name: string; port: number; weight: number }

/**
 * Gateway API (`gatewayapi:v1`, `gatewayapi:v1beta1`): one HTTPRoute named after the service, whose
 * default rule splits traffic between `<svc>-primary` and `<svc>-canary` by weight. A/B testing adds
 * rules in front of it that send matching requests to the canary; mirroring adds a RequestMirror filter.
 */
export class GatewayApiRouter implements Router {
  readonly capabilities: RouterCapabilities;
  private readonly type: ResourceType;
  readonly watches: ResourceType[];

  constructor(private readonly deps: RouterDeps, readonly provider: 'gatewayapi:v1' | 'gatewayapi:v1beta1') {
    this.capabilities = capabilitiesOf(provider);
    this.type = { apiVersion: `gateway.networking.k8s.io/${provider.split(':')[1]}`, kind: 'HTTPRoute' };
    this.watches = [SERVICE, DEPLOYMENT, this.type];
  }

  async reconcile(canary: Canary): Promise<void> {
    await applyServices(this.deps, canary, 'primary');
    await this.apply(canary, this.getRoutes(canary) ?? { primary: 100, canary: 0, mirror: false });
  }

  async setRoutes(canary: Canary, routes: Routes): Promise<void> {
    if (routes.primary + routes.canary !== 100) throw new RouterError(`gatewayapi: weights must add up to 100, got ${routes.primary}/${routes.canary}`);
    if (routes.matchedOnly && !canary.spec.analysis.match?.length) throw new RouterError('gatewayapi: A/B routes need spec.analysis.match');
    await this.apply(canary, routes);
  }

  getRoutes(canary: Canary): Routes | null {
    const route = this.deps.cache.get(this.type, namespaceOf(canary), serviceName(canary));
    const rules = (route?.spec as { rules?: { backendRefs?: BackendRef[]; filters?: { type: string }[] }[] } | undefined)?.rules;
    const main = rules?.[rules.length - 1];
    if (!main?.backendRefs) return null;
    // A/B testing: the rules in front of the default one send the matching requests to the canary.
    const matchedOnly = (rules?.length ?? 0) > 1;
    const weighted = matchedOnly ? rules?.[0] : main;
    const weightOf = (suffix: string) => weighted?.backendRefs?.find((b) => b.name.endsWith(suffix))?.weight ?? 0;
    const mirror = (main.filters ?? []).some((f) => f.type === 'RequestMirror');
    return { primary: weightOf('-primary'), canary: weightOf('-canary'), mirror, ...(matchedOnly ? { matchedOnly } : {}) };
  }

  /** revertOnDeletion: all traffic to the target's own pods, through the HTTPRoute and the apex Service. */
  async finalize(canary: Canary): Promise<void> {
    await releaseApex(this.deps, canary);
    // Every request, not only the A/B ones, through the apex Service: the -primary and -canary
    // Services go with the Canary, the route and the apex stay.
    await applyIfChanged(this.deps, released(this.handBack(canary)));
  }

  private handBack(canary: Canary): KubeObject {
    const route = this.build(canary, { primary: 0, canary: 100, mirror: false });
    const spec = route.spec as { rules: { backendRefs: BackendRef[] }[] };
    const port = canary.spec.service?.port ?? 80;
    const rules = spec.rules.map((rule) => ({ ...rule, backendRefs: [{ name: serviceName(canary), port, weight: 100 }] }));
    return { ...route, spec: { ...spec, rules } };
  }

  private async apply(canary: Canary, routes: Routes): Promise<void> {
    await applyIfChanged(this.deps, this.build(canary, routes));
  }

  build(canary: Canary, routes: Routes): KubeObject {
    const service = canary.spec.service;
    if (!service?.gatewayRefs?.length) throw new RouterError('gatewayapi: spec.service.gatewayRefs must name at least one Gateway');
    const svc = serviceName(canary);
    const backends = (primary: number, canaryWeight: number): BackendRef[] => [
      { name: `${svc}-primary`, port: service.port, weight: primary },
      { name: `${svc}-canary`, port: service.port, weight: canaryWeight },
    ];
    const pathMatches = (service.match ?? []).map(pathMatch).filter((m): m is HttpMatch => m !== undefined);
    const abRules = routes.matchedOnly && canary.spec.analysis.match?.length
      ? [{ matches: canary.spec.analysis.match.map((m) => abMatch(m, pathMatches[0])), backendRefs: backends(routes.primary, routes.canary), ...timeouts(canary) }]
      : [];
    const mainWeights = abRules.length ? backends(100, 0) : backends(routes.primary, routes.canary);
    const filters = [...headerFilters(canary), ...(routes.mirror ? [mirrorFilter(svc, service.port)] : [])];
    return {
      apiVersion: this.type.apiVersion,
      kind: 'HTTPRoute',
      metadata: { name: svc, namespace: namespaceOf(canary), annotations: handsOff({ [ANNOTATION_ORIGINAL]: 'true' }), ownerReferences: [ownerReference(canary)] },
      spec: {
        parentRefs: service.gatewayRefs,
        ...(service.hosts?.length ? { hostnames: service.hosts } : {}),
        rules: [
          ...abRules,
          { ...(pathMatches.length ? { matches: pathMatches } : {}), ...(filters.length ? { filters } : {}), backendRefs: mainWeights, ...timeouts(canary) },
        ],
      },
    };
  }
}

function stringMatchValue(m: StringMatch): { type: 'Exact' | 'RegularExpression' | 'PathPrefix'; value: string } | undefined {
  if (m.exact !== undefined) return { type: 'Exact', value: m.exact };
  if (m.regex !== undefined) return { type: 'RegularExpression', value: m.regex };
  if (m.prefix !== undefined) return { type: 'RegularExpression', value: `^${escapeRegex(m.prefix)}.*` };
  if (m.suffix !== undefined) return { type: 'RegularExpression', value: `.*${escapeRegex(m.suffix)}$` };
  return undefined;
}

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function pathMatch(match: NonNullable<NonNullable<Canary['spec']['service']>['match']>[number]): HttpMatch | undefined {
  const uri = match.uri;
  if (!uri) return undefined;
  if (uri.prefix !== undefined) return { path: { type: 'PathPrefix', value: uri.prefix } };
  if (uri.exact !== undefined) return { path: { type: 'Exact', value: uri.exact } };
  if (uri.regex !== undefined) return { path: { type: 'RegularExpression', value: uri.regex } };
  return undefined;
}

function abMatch(match: NonNullable<Canary['spec']['analysis']['match']>[number], path: HttpMatch | undefined): HttpMatch {
  const headers = Object.entries(match.headers ?? {}).flatMap(([name, m]) => {
    const v = stringMatchValue(m);
    return v ? [{ name, type: v.type === 'PathPrefix' ? 'Exact' : v.type, value: v.value }] : [];
  });
  const queryParams = Object.entries(match.queryParams ?? {}).flatMap(([name, m]) => {
    const v = stringMatchValue(m);
    return v ? [{ name, type: v.type === 'PathPrefix' ? 'Exact' : v.type, value: v.value }] : [];
  });
  return { ...(path ?? {}), ...(headers.length ? { headers } : {}), ...(queryParams.length ? { queryParams } : {}) };
}

function headerFilters(canary: Canary): Record<string, unknown>[] {
  const headers = canary.spec.service?.headers;
  const modifier = (ops: { add?: Record<string, string>; set?: Record<string, string>; remove?: string[] } | undefined) => ({
    ...(ops?.add ? { add: Object.entries(ops.add).map(([name, value]) => ({ name, value })) } : {}),
    ...(ops?.set ? { set: Object.entries(ops.set).map(([name, value]) => ({ name, value })) } : {}),
    ...(ops?.remove ? { remove: ops.remove } : {}),
  });
  const filters: Record<string, unknown>[] = [];
  if (headers?.request) filters.push({ type: 'RequestHeaderModifier', requestHeaderModifier: modifier(headers.request) });
  if (headers?.response) filters.push({ type: 'ResponseHeaderModifier', responseHeaderModifier: modifier(headers.response) });
  return filters;
}

function mirrorFilter(svc: string, port: number): Record<string, unknown> {
  return { type: 'RequestMirror', requestMirror: { backendRef: { name: `${svc}-canary`, port } } };
}

function timeouts(canary: Canary): Record<string, unknown> {
  const service = canary.spec.service;
  if (!service?.timeout && !service?.backendTimeout) return {};
  return { timeouts: { ...(service.timeout ? { request: service.timeout } : {}), ...(service.backendTimeout ? { backendRequest: service.backendTimeout } : {}) } };
}
