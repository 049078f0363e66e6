import { ALERT_PROVIDER_TYPES } from './alert-provider.js';
import type { Provider } from './canary.js';
import type { MetricTemplateSpec } from './metric-template.js';

/**
 * What this build of Pennant supports: the one table that `pennant validate`, the router, workload,
 * metric and notifier factories and the engine's strategy adaptation all read, so that validate says
 * exactly what the controller would. Pure data; the factories' unit tests fail when the code and the
 * table disagree.
 */

export const BUILTIN_METRICS = ['request-success-rate', 'request-duration'] as const;
export type BuiltinMetric = (typeof BUILTIN_METRICS)[number];

export type TargetKind = 'Deployment' | 'DaemonSet' | 'Service';
export type MetricProviderType = MetricTemplateSpec['provider']['type'];

/** What a traffic provider can do with requests; the engine adapts the strategy to what is missing. */
export interface RoutingCapabilities {
  /** Split traffic by weight (otherwise only all-or-nothing switches, as blue/green). */
  weights: boolean;
  /** Send the requests that match `analysis.match` to the canary (A/B testing). */
  match: boolean;
  /** Copy requests to the canary (`analysis.mirror`). */
  mirror: boolean;
  /** Mirror only a share of the requests (`analysis.mirrorWeight`). */
  mirrorWeight: boolean;
  /** Pin users to the canary with a cookie (`analysis.sessionAffinity`). */
  sessionAffinity: boolean;
}

export interface ProviderSupport {
  routing: RoutingCapabilities;
  /** Builtin metrics with a query for this provider's telemetry. */
  builtinMetrics: readonly BuiltinMetric[];
  targetKinds: readonly TargetKind[];
}

const BOTH_BUILTINS = BUILTIN_METRICS;
const DEPLOYMENTS: readonly TargetKind[] = ['Deployment'];
/** The kubernetes router reads only the target's selector and pod template, which both kinds have. */
const PODS_OF_EITHER_KIND: readonly TargetKind[] = ['Deployment', 'DaemonSet'];
const routing = (can: Partial<RoutingCapabilities>): RoutingCapabilities => ({
  weights: false, match: false, mirror: false, mirrorWeight: false, sessionAffinity: false, ...can,
});
const provider = (can: Partial<RoutingCapabilities>): ProviderSupport => ({
  routing: routing(can), builtinMetrics: BOTH_BUILTINS, targetKinds: DEPLOYMENTS,
});
const GATEWAY_API = provider({ weights: true, match: true, mirror: true });
/** Flagger has no builtin queries for SMI (it falls back to Istio's): a MetricTemplate is needed. */
const SMI: ProviderSupport = { routing: routing({ weights: true }), builtinMetrics: [], targetKinds: DEPLOYMENTS };

/** Every provider this build can route; a provider missing here is refused by validate and the controller. */
export const PROVIDER_SUPPORT: Readonly<Partial<Record<Provider, ProviderSupport>>> = {
  kubernetes: { ...provider({}), targetKinds: PODS_OF_EITHER_KIND },
  'gatewayapi:v1': GATEWAY_API,
  'gatewayapi:v1beta1': GATEWAY_API,
  istio: provider({ weights: true, match: true, mirror: true, mirrorWeight: true, sessionAffinity: true }),
  nginx: provider({ weights: true, match: true }),
  contour: provider({ weights: true, match: true, mirror: true, mirrorWeight: true }),
  traefik: provider({ weights: true }),
  linkerd: provider({ weights: true }),
  'smi:v1alpha1': SMI,
  'smi:v1alpha2': SMI,
  'smi:v1alpha3': SMI,
};

export const SUPPORTED_PROVIDERS = Object.keys(PROVIDER_SUPPORT) as Provider[];

/** The controller's `--provider` default, for a Canary that sets none. */
export const DEFAULT_PROVIDER: Provider = 'kubernetes';

/** Target kinds the workload factory can run a canary of. */
export const SUPPORTED_TARGET_KINDS: readonly TargetKind[] = ['Deployment', 'DaemonSet'];

/** MetricTemplate `provider.type`s the metric factory can query. */
export const SUPPORTED_METRIC_PROVIDERS: readonly MetricProviderType[] = [
  'prometheus', 'datadog', 'cloudwatch', 'newrelic', 'graphite', 'influxdb', 'dynatrace', 'stackdriver', 'splunk',
];

/**
 * The MetricTemplate fields each provider cannot do without (its Secret's keys are checked when a
 * check runs: validate does not read Secrets). The providers refuse the same (src/metrics/).
 */
export const METRIC_PROVIDER_REQUIRES: Readonly<Partial<Record<MetricProviderType, readonly ('address' | 'region')[]>>> = {
  graphite: ['address'], influxdb: ['address'], dynatrace: ['address'], splunk: ['address'], cloudwatch: ['region'],
};

/** AlertProvider `type`s the notifier factory can post to: all of Flagger's, plus `generic`. */
export const SUPPORTED_ALERT_PROVIDERS = ALERT_PROVIDER_TYPES;

export const providerSupport = (name: string): ProviderSupport | undefined =>
  PROVIDER_SUPPORT[name as Provider];

/** The providers that can do something, for hints ("use one that can: istio, contour"). */
export const providersThatCan = (feature: keyof RoutingCapabilities): Provider[] =>
  SUPPORTED_PROVIDERS.filter((name) => PROVIDER_SUPPORT[name]?.routing[feature]);

export const unsupportedProvider = (name: string): string =>
  `provider ${name} is not supported by this version of Pennant yet (supported: ${SUPPORTED_PROVIDERS.join(', ')})`;

export const unsupportedTargetKind = (kind: string): string =>
  `targetRef.kind ${kind} is not supported yet by this version of Pennant; use a ${SUPPORTED_TARGET_KINDS.join(' or a ')}`;

export const unsupportedMetricProvider = (type: string): string =>
  `metric provider ${type} is not supported yet (supported: ${SUPPORTED_METRIC_PROVIDERS.join(', ')})`;
