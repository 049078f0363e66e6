import { describe, expect, it } from 'vitest';
import { PROVIDERS, type Canary } from '../../../src/api/index.js';
import {
  BUILTIN_QUERIES, builtinObserverFor, renderBuiltinQuery, type BuiltinObserver, type TemplateVars,
} from '../../../src/metrics/index.js';

const vars: TemplateVars = {
  name: 'podinfo', namespace: 'test', target: 'podinfo', service: 'podinfo', ingress: 'podinfo', route: 'podinfo',
  interval: '1m', variables: {},
};

/** The value a label matcher compares with, and whether it is a regex (`=~`). */
function matcher(query: string, label: string): { regex: boolean; value: string } {
  const found = [...query.matchAll(new RegExp(`[{,]\\s*${label}(=~|=)"([^"]*)"`, 'g'))];
  expect(found.length, `${label} in ${query}`).toBeGreaterThan(0);
  const [first] = found;
  // Every occurrence (numerator and denominator) must select the same series.
  for (const other of found) expect(other[2]).toBe(first?.[2]);
  return { regex: first?.[1] === '=~', value: first?.[2] ?? '' };
}

/** PromQL (RE2) regex matchers are fully anchored. */
function selects(query: string, label: string, name: string): boolean {
  const { regex, value } = matcher(query, label);
  return regex ? new RegExp(`^(?:${value})$`).test(name) : value === name;
}

interface Case {
  observer: BuiltinObserver;
  series: [success: string, duration: string];
  label: string;
  canary: string[];
  notCanary: string[];
  seconds: boolean;
  vars?: Partial<TemplateVars>;
}

const cases: Case[] = [
  { observer: 'kubernetes', series: ['http_request_duration_seconds_count', 'http_request_duration_seconds_bucket'],
    label: 'kubernetes_pod_name', canary: ['podinfo-7d9f8c6b5-x2x9k', 'podinfo-5f4d8-abcde'],
    notCanary: ['podinfo-primary-7d9f8c6b5-x2x9k', 'podinfo-api-7d9f8c6b5-x2x9k', 'other-7d9f8c6b5-x2x9k'], seconds: true },
  // DaemonSet pods are <name>-<5 characters>; the primary's are <name>-primary-<5 characters>.
  { observer: 'kubernetes-daemonset', series: ['http_request_duration_seconds_count', 'http_request_duration_seconds_bucket'],
    label: 'kubernetes_pod_name', canary: ['podinfo-x2x9k', 'podinfo-5f4d8'],
    notCanary: ['podinfo-primary-x2x9k', 'podinfo-7d9f8c6b5-x2x9k', 'podinfo-api-x2x9k', 'other-x2x9k'], seconds: true },
  { observer: 'appmesh', series: ['envoy_cluster_upstream_rq', 'envoy_cluster_upstream_rq_time_bucket'],
    label: 'kubernetes_pod_name', canary: ['podinfo-7d9f8c6b5-x2x9k'], notCanary: ['podinfo-primary-7d9f8c6b5-x2x9k'], seconds: false },
  { observer: 'istio', series: ['istio_requests_total', 'istio_request_duration_milliseconds_bucket'],
    label: 'destination_workload', canary: ['podinfo'], notCanary: ['podinfo-primary'], seconds: false },
  { observer: 'linkerd', series: ['response_total', 'response_latency_ms_bucket'],
    label: 'deployment', canary: ['podinfo'], notCanary: ['podinfo-primary'], seconds: false },
  { observer: 'nginx', series: ['nginx_ingress_controller_requests', 'nginx_ingress_controller_response_duration_seconds_sum'],
    label: 'ingress', canary: ['podinfo'], notCanary: ['other'], seconds: true },
  { observer: 'contour', series: ['envoy_cluster_upstream_rq', 'envoy_cluster_upstream_rq_time_bucket'],
    label: 'envoy_cluster_name', canary: ['test_podinfo-canary_9898'], notCanary: ['test_podinfo-primary_9898'], seconds: false },
  { observer: 'traefik', series: ['traefik_service_request_duration_seconds_bucket', 'traefik_service_request_duration_seconds_bucket'],
    label: 'service', canary: ['test-podinfo-canary-80@kubernetescrd'], notCanary: ['test-podinfo-primary-80@kubernetescrd'],
    seconds: true },
  { observer: 'gloo', series: ['envoy_cluster_upstream_rq', 'envoy_cluster_upstream_rq_time_bucket'],
    label: 'envoy_cluster_name', canary: ['test-podinfo-canaryupstream-9898_gloo-system'],
    notCanary: ['test-podinfo-primaryupstream-9898_gloo-system'], seconds: false },
  { observer: 'kuma', series: ['envoy_cluster_upstream_rq', 'envoy_cluster_upstream_rq_time_bucket'],
    label: 'service', canary: ['podinfo-canary_test_svc_9898'], notCanary: ['podinfo-primary_test_svc_9898'], seconds: false },
  { observer: 'osm', series: ['osm_request_total', 'osm_request_duration_ms_bucket'],
    label: 'destination_name', canary: ['podinfo'], notCanary: ['podinfo-primary'], seconds: false },
  { observer: 'skipper', series: ['skipper_response_duration_seconds_bucket', 'skipper_serve_route_duration_seconds_sum'],
    label: 'route', canary: ['kube_my_ns__pod_info_canary__pod_info_example_com____pod_info_canary', 'kubeew_my_ns__pod_info_canary__x__pod_info_canary_1'],
    notCanary: ['kube_my_ns__pod_info__pod_info_example_com____pod_info_primary'], seconds: true,
    vars: { namespace: 'my-ns', target: 'pod.info', service: 'pod-info', ingress: 'pod-info' } },
  { observer: 'apisix', series: ['apisix_http_status', 'apisix_http_latency_bucket'],
    label: 'route', canary: ['test_podinfo-podinfo-canary_80'], notCanary: ['test_podinfo-podinfo-primary_80'], seconds: false },
  { observer: 'knative', series: ['envoy_cluster_upstream_rq', 'envoy_cluster_upstream_rq_time_bucket'],
    label: 'envoy_cluster_name', canary: ['test/podinfo-00002'], notCanary: ['test/podinfo-00001'], seconds: false,
    vars: { route: 'podinfo-00002' } },
];

describe('builtin queries', () => {
  it('cover every observer', () => {
    expect(cases.map((c) => c.observer).sort()).toEqual(Object.keys(BUILTIN_QUERIES).sort());
  });

  describe.each(cases)('$observer', ({ observer, series, label, canary, notCanary, seconds, vars: own }) => {
    const v = { ...vars, ...own };
    const success = renderBuiltinQuery(observer, 'request-success-rate', v);
    const duration = renderBuiltinQuery(observer, 'request-duration', v);

    it('renders both queries completely, over the interval', () => {
      for (const query of [success, duration]) {
        expect(query).not.toContain('{{');
        expect(query).toContain('[1m]');
      }
    });

    it('reads the right series', () => {
      expect(success).toContain(`${series[0]}{`);
      expect(duration).toContain(`${series[1]}{`);
    });

    it('gives the success rate as a percentage of non-5xx requests', () => {
      expect(success).toMatch(/ \/ .* \* 100$/);
      expect(success).toMatch(/!~"5(\.\*|\.\.)"|classification!="failure"/);
    });

    it(`gives the duration in ms (${seconds ? 'converted from seconds' : 'native'})`, () => {
      expect(duration.endsWith(' * 1000')).toBe(seconds);
      if (observer !== 'nginx' && observer !== 'skipper') expect(duration).toMatch(/^histogram_quantile\(0\.99, /);
      else expect(duration).toContain('_count{'); // the mean: rate(sum) / rate(count)
    });

    it.each(canary)('selects the canary series %s', (name) => {
      expect(selects(success, label, name)).toBe(true);
      expect(selects(duration, label, name)).toBe(true);
    });

    it.each(notCanary)('does not select %s', (name) => {
      expect(selects(success, label, name)).toBe(false);
      expect(selects(duration, label, name)).toBe(false);
    });
  });

  it('nginx selects only requests its canary backend served', () => {
    expect(renderBuiltinQuery('nginx', 'request-success-rate', vars)).toContain('canary!=""');
  });
});

const canary = (provider: string | undefined, target: Partial<Canary['spec']['targetRef']> = {}): Canary => ({
  apiVersion: 'pennant.dev/v1beta1',
  kind: 'Canary',
  metadata: { name: 'podinfo', namespace: 'test' },
  spec: {
    ...(provider !== undefined && { provider: provider as Canary['spec']['provider'] }),
    targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo', ...target },
    analysis: {},
  },
});

describe('builtinObserverFor', () => {
  const knative = { apiVersion: 'serving.knative.dev/v1', kind: 'Service' as const };
  const service = { apiVersion: 'v1', kind: 'Service' as const };

  it.each<[string, string | undefined, string, Partial<Canary['spec']['targetRef']>, BuiltinObserver | RegExp]>([
    ['the mesh flag when the Canary has no provider', undefined, 'istio', {}, 'istio'],
    ['the Canary provider over the flag', 'contour', 'istio', {}, 'contour'],
    ['linkerd when the mesh is linkerd (NGINX + Linkerd)', 'nginx', 'linkerd', {}, 'linkerd'],
    ['kubernetes-daemonset for a DaemonSet target of kubernetes (its pods are named differently)', 'kubernetes', 'istio', { kind: 'DaemonSet' }, 'kubernetes-daemonset'],
    ['kubernetes for gatewayapi:v1', 'gatewayapi:v1', 'istio', {}, 'kubernetes'],
    ['kubernetes for gatewayapi:v1beta1', 'gatewayapi:v1beta1', 'istio', {}, 'kubernetes'],
    ['appmesh for appmesh:v1beta2', 'appmesh:v1beta2', 'istio', {}, 'appmesh'],
    ['knative for a Knative Service', 'knative', 'istio', knative, 'knative'],
    ['gatewayapi for a Service target', 'gatewayapi:v1', 'istio', service, 'kubernetes'],
    ['gloo for a Service target', 'gloo', 'istio', service, 'gloo'],
    ['an error for smi (Flagger: Istio queries)', 'smi:v1alpha3', 'istio', {}, /no builtin metrics for provider "smi:v1alpha3": use a MetricTemplate/],
    ['an error for an unknown mesh flag', undefined, 'crossover', {}, /provider "crossover"/],
    ['an error for istio with a Service target', 'istio', 'istio', service, /a Service target with provider "istio"/],
    ['an error for kubernetes with a Service target', 'kubernetes', 'istio', service, /Service target/],
  ])('uses %s', (_case, provider, mesh, target, expected) => {
    const resolve = () => builtinObserverFor(canary(provider, target), mesh);
    if (expected instanceof RegExp) expect(resolve).toThrow(expected);
    else expect(resolve()).toBe(expected);
  });

  it.each(PROVIDERS.filter((p) => !p.startsWith('smi:')))('has builtins for provider %s', (provider) => {
    const target = provider === 'knative' ? knative : {};
    expect(() => builtinObserverFor(canary(provider, target), 'kubernetes')).not.toThrow();
  });
});
