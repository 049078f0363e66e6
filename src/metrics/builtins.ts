import type { Canary } from '../api/index.js';
import { BUILTIN_QUERIES, type BuiltinMetric, type BuiltinObserver } from './builtin-queries.js';
import { MetricError } from './errors.js';
import { renderQuery } from './render.js';
import type { TemplateVars } from './template-vars.js';

const EXACT: readonly BuiltinObserver[] = [
  'istio', 'linkerd', 'nginx', 'contour', 'traefik', 'kuma', 'osm', 'skipper', 'apisix', 'knative',
];

/**
 * Which builtin queries apply to a Canary, given the controller's `--provider` flag.
 *
 * Follows Flagger, except that where Flagger silently falls back to Istio's queries (smi:*, or a
 * Service target with a provider that has no Service-aware queries) we throw: Istio queries on a
 * non-Istio mesh return no data, or worse, someone else's data.
 */
export function builtinObserverFor(canary: Canary, meshProvider: string): BuiltinObserver {
  const { provider: own, targetRef } = canary.spec;
  // With a Linkerd mesh its proxies measure every request, whatever provider routes it (the
  // Linkerd + NGINX ingress setup), so Flagger uses Linkerd's queries.
  const provider = own !== undefined && meshProvider.includes('linkerd') ? 'linkerd' : (own ?? meshProvider);
  const knative = targetRef.kind === 'Service' && targetRef.apiVersion.startsWith('serving.knative.dev/');
  const serviceTarget = targetRef.kind === 'Service' && !knative;
  const observer = podsOf(observerOf(provider, serviceTarget), targetRef.kind);
  if (observer === undefined) {
    const what = serviceTarget ? `a Service target with provider "${provider}"` : `provider "${provider}"`;
    throw new MetricError(
      'Unsupported',
      `no builtin metrics for ${what}: use a MetricTemplate (templateRef) instead of request-success-rate/request-duration`,
    );
  }
  return observer;
}

/** The app's own series are selected by pod name, and a DaemonSet names its pods its own way. */
const podsOf = (observer: BuiltinObserver | undefined, kind: string): BuiltinObserver | undefined =>
  observer === 'kubernetes' && kind === 'DaemonSet' ? 'kubernetes-daemonset' : observer;

function observerOf(provider: string, serviceTarget: boolean): BuiltinObserver | undefined {
  // Flagger appends ":service" for Service targets; only its prefix-matched providers still resolve.
  if (provider.startsWith('appmesh')) return 'appmesh';
  if (provider.startsWith('gloo')) return 'gloo';
  if (provider.startsWith('gatewayapi')) return 'kubernetes';
  if (serviceTarget) return undefined;
  if (provider === 'kubernetes') return 'kubernetes';
  return EXACT.find((name) => name === provider);
}

/** The builtin query of one metric, rendered with the same renderer as MetricTemplates. */
export function renderBuiltinQuery(observer: BuiltinObserver, metric: BuiltinMetric, vars: TemplateVars): string {
  const queries = BUILTIN_QUERIES[observer];
  return renderQuery(queries[metric], queries.encodeNames ? encodeNames(vars) : vars);
}

/** Skipper names its routes after the objects with every non-word character replaced by "_". */
function encodeNames(vars: TemplateVars): TemplateVars {
  const encode = (value: string): string => value.replace(/\W/g, '_');
  return {
    ...vars,
    name: encode(vars.name),
    namespace: encode(vars.namespace),
    target: encode(vars.target),
    service: encode(vars.service),
    ingress: encode(vars.ingress),
  };
}
