/** A Service a rule sends to, with its share (Gateway API: weight defaults to 1, 0 means none). */
export interface WeightedBackend {
  service: string;
  weight: number;
}

/** One routing rule, in the order the router wrote them. */
export interface RouteRule {
  /** Header/query-parameter matches (A/B testing): only requests that carry them take this rule. */
  abMatch: boolean;
  backends: WeightedBackend[];
  /** A RequestMirror filter: every request this rule serves is also copied to this Service. */
  mirrorTo?: string;
  /** Share (0–100) of the rule's requests that are copied to mirrorTo (Istio's mirrorPercentage); 100 when unset. */
  mirrorPercent?: number;
}

export interface Routing {
  rules: RouteRule[];
}

export interface SplitOptions {
  /** Requests per second arriving at the app's entry point (apex Service, HTTPRoute, …). */
  rate: number;
  /** Fraction (0–1) of requests carrying the A/B match (header or query parameter). */
  abMatchFraction: number;
}

/** Everything reaches one Service: the kubernetes provider's apex, whose selector picks the side. */
export const singleService = (service: string): Routing => ({
  rules: [{ abMatch: false, backends: [{ service, weight: 1 }] }],
});

/**
 * Requests per second each Service receives, mirrored copies included. Requests carrying the A/B
 * match take the first A/B rule; the others take the first rule without header matches (Pennant
 * writes one, last). A rule splits its requests by weight; a rule whose weights are all 0 serves
 * nothing (a gateway would answer 500), and requests no rule takes are dropped, as a 404.
 */
export function splitTraffic(routing: Routing, options: SplitOptions): Map<string, number> {
  const loads = new Map<string, number>();
  const add = (service: string, rps: number): void => {
    if (rps > 0) loads.set(service, (loads.get(service) ?? 0) + rps);
  };
  const abRule = routing.rules.find((r) => r.abMatch);
  const plainRule = routing.rules.find((r) => !r.abMatch);
  const matched = abRule ? options.rate * clamp01(options.abMatchFraction) : 0;
  const serve = (rule: RouteRule | undefined, rps: number): void => {
    if (!rule || rps <= 0) return;
    const total = rule.backends.reduce((sum, b) => sum + Math.max(0, b.weight), 0);
    if (total <= 0) return;
    for (const backend of rule.backends) add(backend.service, (rps * Math.max(0, backend.weight)) / total);
    if (rule.mirrorTo) add(rule.mirrorTo, rps * clamp01((rule.mirrorPercent ?? 100) / 100));
  };
  serve(abRule, matched);
  serve(plainRule, options.rate - matched);
  return loads;
}

/** A Service's requests spread evenly over its ready pods, as kube-proxy would on average. */
export function spreadOverPods<P>(rps: number, pods: readonly P[]): { pod: P; rps: number }[] {
  if (pods.length === 0) return [];
  return pods.map((pod) => ({ pod, rps: rps / pods.length }));
}

const clamp01 = (x: number): number => Math.min(1, Math.max(0, Number.isFinite(x) ? x : 0));
