import type { Canary, CanaryService, StringMatch } from '../api/index.js';

/**
 * The pieces of an Istio VirtualService's `http` routes, built from the Canary: destinations,
 * match conditions (Flagger's `service.match` and `analysis.match`) and the route options
 * (`rewrite`, `timeout`, `retries`, `corsPolicy`, `headers`) every route of ours carries.
 */

export type HttpMatch = Record<string, unknown>;
type ServiceMatch = NonNullable<CanaryService['match']>[number];
type AbMatch = NonNullable<Canary['spec']['analysis']['match']>[number];

export interface HeaderOperations {
  add?: Record<string, string>;
  set?: Record<string, string>;
  remove?: string[];
}

export interface Destination {
  destination: { host: string; port?: { number: number } };
  weight: number;
  headers?: { response?: HeaderOperations };
}

export interface HttpRoute {
  name?: string;
  match?: HttpMatch[];
  route: Destination[];
  mirror?: { host: string; port?: { number: number } };
  mirrorPercentage?: { value: number };
  headers?: { request?: HeaderOperations; response?: HeaderOperations };
  [option: string]: unknown;
}

export const primaryHost = (svc: string): string => `${svc}-primary`;
export const canaryHost = (svc: string): string => `${svc}-canary`;

/**
 * As Flagger: a port only when the Services have several (portDiscovery) and the route is read by
 * an ingress gateway or a delegating VirtualService, where Istio cannot infer it from the request.
 */
function destinationPort(canary: Canary): { port: { number: number } } | Record<string, never> {
  const service = canary.spec.service;
  if (!service?.portDiscovery) return {};
  const gateways = service.gateways ?? [];
  const viaGateway = (gateways.length > 0 && gateways[0] !== 'mesh') || service.delegation === true;
  return viaGateway ? { port: { number: service.port } } : {};
}

export function destination(canary: Canary, host: string, weight: number): Destination {
  return { destination: { host, ...destinationPort(canary) }, weight };
}

/** `<svc>-primary` and `<svc>-canary` with their weights, in that order. */
export function destinations(canary: Canary, svc: string, primary: number, canaryWeight: number): Destination[] {
  return [destination(canary, primaryHost(svc), primary), destination(canary, canaryHost(svc), canaryWeight)];
}

export function mirrorOf(canary: Canary, svc: string): Pick<HttpRoute, 'mirror' | 'mirrorPercentage'> {
  // Flagger treats mirrorWeight 0 as unset (a Go zero value): everything is mirrored.
  const weight = canary.spec.analysis.mirrorWeight;
  return {
    mirror: { host: canaryHost(svc), ...destinationPort(canary) },
    mirrorPercentage: { value: weight !== undefined && weight > 0 ? weight : 100 },
  };
}

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Istio's StringMatch has exact, prefix and regex; Flagger's `suffix` becomes an anchored regex. */
export function istioStringMatch(m: StringMatch): StringMatch {
  if (m.exact !== undefined) return { exact: m.exact };
  if (m.prefix !== undefined) return { prefix: m.prefix };
  if (m.regex !== undefined) return { regex: m.regex };
  if (m.suffix !== undefined) return { regex: `.*${escapeRegex(m.suffix)}$` };
  return {};
}

const mapValues = (record: Record<string, StringMatch> | undefined): Record<string, StringMatch> | undefined =>
  record === undefined ? undefined : Object.fromEntries(Object.entries(record).map(([k, v]) => [k, istioStringMatch(v)]));

/** One `service.match` entry as an Istio HTTPMatchRequest. */
export function istioMatch(match: ServiceMatch): HttpMatch {
  const { uri, scheme, method, authority, headers, queryParams, withoutHeaders, ...rest } = match;
  return dropUndefined({
    ...rest,
    uri: uri && istioStringMatch(uri),
    scheme: scheme && istioStringMatch(scheme),
    method: method && istioStringMatch(method),
    authority: authority && istioStringMatch(authority),
    headers: mapValues(headers),
    queryParams: mapValues(queryParams),
    withoutHeaders: mapValues(withoutHeaders),
  });
}

export const serviceMatches = (canary: Canary): HttpMatch[] => (canary.spec.service?.match ?? []).map(istioMatch);

/**
 * Each A/B condition combined with each `service.match` entry (so a route limited to `/api` stays
 * limited to it): the condition's headers, query parameters and source labels replace the entry's.
 * Flagger's Istio router keeps only headers and sourceLabels here; dropping queryParams looks
 * accidental, so they are kept.
 */
export function mergeMatches(conditions: readonly HttpMatch[], service: readonly HttpMatch[]): HttpMatch[] {
  if (service.length === 0) return [...conditions];
  return conditions.flatMap((condition) =>
    service.map((entry) => ({
      ...entry,
      ...(condition.headers !== undefined ? { headers: condition.headers } : {}),
      ...(condition.queryParams !== undefined ? { queryParams: condition.queryParams } : {}),
      ...(condition.sourceLabels !== undefined ? { sourceLabels: condition.sourceLabels } : {}),
    })),
  );
}

export function abCondition(match: AbMatch): HttpMatch {
  return dropUndefined({ headers: mapValues(match.headers), queryParams: mapValues(match.queryParams), sourceLabels: match.sourceLabels });
}

/** What every route of ours carries besides its match and destinations. */
export function routeOptions(canary: Canary): Record<string, unknown> {
  const service = canary.spec.service;
  if (!service) return {};
  // Istio's HTTPRewrite has uri and authority; `type` is the Gateway API's path modifier.
  const rewrite = service.rewrite && dropUndefined({ uri: service.rewrite.uri, authority: service.rewrite.authority });
  return dropUndefined({
    rewrite: rewrite && Object.keys(rewrite).length > 0 ? rewrite : undefined,
    timeout: service.timeout,
    retries: service.retries,
    corsPolicy: service.corsPolicy,
    headers: service.headers,
  });
}

function dropUndefined<T extends Record<string, unknown>>(record: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}
