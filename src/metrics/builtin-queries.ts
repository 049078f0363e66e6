/**
 * PromQL of the builtin metrics per traffic provider, written from what Flagger's observers measure
 * (see docs/flagger-facts §1). Every query selects the canary only, never the primary, and answers
 * in the units the thresholds use: success rate in percent (0–100), duration in milliseconds.
 */

import { BUILTIN_METRICS, type BuiltinMetric } from '../api/capabilities.js';

export { BUILTIN_METRICS, type BuiltinMetric };

export const isBuiltinMetric = (name: string): name is BuiltinMetric =>
  (BUILTIN_METRICS as readonly string[]).includes(name);

/** A set of builtin queries; several traffic providers share one (gatewayapi uses kubernetes'). */
export type BuiltinObserver =
  | 'kubernetes' | 'kubernetes-daemonset' | 'istio' | 'linkerd' | 'nginx' | 'contour' | 'traefik' | 'appmesh' | 'gloo' | 'kuma'
  | 'osm' | 'skipper' | 'apisix' | 'knative';

export interface BuiltinQueries {
  'request-success-rate': string;
  'request-duration': string;
  /** Skipper derives route names from object names with non-word characters replaced by "_". */
  encodeNames?: boolean;
}

const RANGE = '[{{ interval }}]';

/** sum over all matching series of the per-second rate. */
const sumRate = (series: string, matchers: readonly string[]): string =>
  `sum(rate(${series}{${matchers.join(', ')}}${RANGE}))`;

/** 100 × (requests that were not server errors) / (all requests). */
const successRate = (series: string, selector: readonly string[], notServerError: string): string =>
  `${sumRate(series, [...selector, notServerError])} / ${sumRate(series, selector)} * 100`;

/** 99th percentile of a histogram; `unit` is the histogram's own, seconds are converted to ms. */
const p99 = (bucket: string, selector: readonly string[], unit: 'ms' | 's'): string =>
  `histogram_quantile(0.99, ${sumRate(bucket, selector)} by (le))${unit === 's' ? ' * 1000' : ''}`;

/** Mean latency in ms from a seconds summary/histogram's _sum and _count. */
const meanMs = (prefix: string, selector: readonly string[]): string =>
  `${sumRate(`${prefix}_sum`, selector)} / ${sumRate(`${prefix}_count`, selector)} * 1000`;

// Pods of a Deployment are <name>-<replicaset hash>-<pod hash>. PromQL regexes are fully anchored, so
// this matches the canary's pods (<target>-…-…) but not the primary's (<target>-primary-…-…).
const CANARY_POD = '{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)';
const POD_SELECTOR = ['kubernetes_namespace="{{ namespace }}"', `kubernetes_pod_name=~"${CANARY_POD}"`];
// Pods of a DaemonSet are <name>-<5 characters>: the canary's, not the primary's (<target>-primary-…).
// Flagger uses the Deployment pattern for both kinds, which selects a DaemonSet target's primary pods instead.
const DAEMONSET_CANARY_POD = '{{ target }}-[0-9a-z]{5}';
const DAEMONSET_POD_SELECTOR = ['kubernetes_namespace="{{ namespace }}"', `kubernetes_pod_name=~"${DAEMONSET_CANARY_POD}"`];

/** The app's own podinfo-style histogram, selected by pod name. */
const appHistogram = (selector: readonly string[]): BuiltinQueries => ({
  'request-success-rate': successRate('http_request_duration_seconds_count', selector, 'status!~"5.*"'),
  'request-duration': p99('http_request_duration_seconds_bucket', selector, 's'),
});

/** Envoy cluster statistics, as Contour, Gloo, Kuma, App Mesh and Knative expose them. */
const envoy = (selector: readonly string[]): BuiltinQueries => ({
  'request-success-rate': successRate('envoy_cluster_upstream_rq', selector, 'envoy_response_code!~"5.*"'),
  'request-duration': p99('envoy_cluster_upstream_rq_time_bucket', selector, 'ms'),
});

const TRAEFIK = ['service=~"{{ namespace }}-{{ target }}-canary-[0-9a-zA-Z-]+@kubernetescrd"'];
const SKIPPER = ['route=~"kube(ew)?_{{ namespace }}__{{ ingress }}_canary__.*__{{ service }}_canary(_[0-9]+)?"'];
const APISIX = ['route=~"{{ namespace }}_{{ route }}-{{ target }}-canary_.+"'];
const ISTIO = [
  'reporter="destination"', 'destination_workload_namespace="{{ namespace }}"', 'destination_workload=~"{{ target }}"',
];
const LINKERD = ['namespace="{{ namespace }}"', 'deployment=~"{{ target }}"', 'direction="inbound"'];
const NGINX = ['namespace="{{ namespace }}"', 'ingress="{{ ingress }}"', 'canary!=""'];
const OSM = ['destination_namespace="{{ namespace }}"', 'destination_kind="Deployment"', 'destination_name="{{ target }}"'];

export const BUILTIN_QUERIES: Readonly<Record<BuiltinObserver, BuiltinQueries>> = {
  // Series exported by the application itself, labelled with pod and namespace by Prometheus' relabelling.
  kubernetes: appHistogram(POD_SELECTOR),
  'kubernetes-daemonset': appHistogram(DAEMONSET_POD_SELECTOR),
  istio: {
    'request-success-rate': successRate('istio_requests_total', ISTIO, 'response_code!~"5.*"'),
    'request-duration': p99('istio_request_duration_milliseconds_bucket', ISTIO, 'ms'),
  },
  linkerd: {
    'request-success-rate': successRate('response_total', LINKERD, 'classification!="failure"'),
    'request-duration': p99('response_latency_ms_bucket', LINKERD, 'ms'),
  },
  // A non-empty `canary` label means the canary backend of the ingress served the request.
  nginx: {
    'request-success-rate': successRate('nginx_ingress_controller_requests', NGINX, 'status!~"5.*"'),
    'request-duration': meanMs('nginx_ingress_controller_response_duration_seconds', NGINX),
  },
  contour: envoy(['envoy_cluster_name=~"{{ namespace }}_{{ service }}-canary_[0-9a-zA-Z-]+"']),
  // Traefik has no request counter per service; the +Inf bucket of its latency histogram counts every request.
  traefik: {
    'request-success-rate': successRate(
      'traefik_service_request_duration_seconds_bucket', [...TRAEFIK, 'le="+Inf"'], 'code!~"5.."'),
    'request-duration': p99('traefik_service_request_duration_seconds_bucket', TRAEFIK, 's'),
  },
  appmesh: envoy(POD_SELECTOR),
  gloo: envoy(['envoy_cluster_name=~"{{ namespace }}-{{ target }}-canaryupstream-[0-9a-zA-Z-]+_[0-9a-zA-Z-]+"']),
  kuma: envoy(['service=~"{{ target }}-canary_{{ namespace }}_svc_[0-9a-zA-Z-]+"']),
  osm: {
    'request-success-rate': successRate('osm_request_total', OSM, 'response_code!~"5.*"'),
    'request-duration': p99('osm_request_duration_ms_bucket', OSM, 'ms'),
  },
  skipper: {
    'request-success-rate': successRate(
      'skipper_response_duration_seconds_bucket', [...SKIPPER, 'le="+Inf"'], 'code!~"5.."'),
    'request-duration': meanMs('skipper_serve_route_duration_seconds', SKIPPER),
    encodeNames: true,
  },
  apisix: {
    'request-success-rate': successRate('apisix_http_status', APISIX, 'code!~"5.."'),
    'request-duration': p99('apisix_http_latency_bucket', [...APISIX, 'type="request"'], 'ms'),
  },
  // Knative's Envoy cluster is <namespace>/<revision>; `route` is the latest created revision.
  knative: envoy(['envoy_cluster_name=~"{{ namespace }}/{{ route }}"']),
};
