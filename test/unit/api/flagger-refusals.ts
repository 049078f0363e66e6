// What Pennant refuses among Flagger's vendored manifests, shared by the tests of validate and migrate.
const unsupported = (provider: string): string =>
  `spec.provider: provider ${provider} is not supported by this version of Pennant yet (supported: kubernetes, gatewayapi:v1, gatewayapi:v1beta1, istio, nginx, contour, traefik, linkerd, smi:v1alpha1, smi:v1alpha2, smi:v1alpha3)`;
const SERVICE_TARGET = 'spec.targetRef.kind: targetRef.kind Service is not supported yet by this version of Pennant; use a Deployment or a DaemonSet';
const metricType = (type: string): string => `spec.provider.type: metric provider ${type} is not supported yet (supported: prometheus, datadog, cloudwatch, newrelic, graphite, influxdb, dynatrace, stackdriver, splunk)`;

/**
 * The complete manifests (docs and e2e) that Pennant refuses, and why: each needs a provider, target
 * kind or metric provider this build does not support. Every other one is valid (warnings allowed);
 * a new refusal must be added here, on purpose. (test/unit/controller/agreement.test.ts checks the
 * controller refuses exactly these, with the same words.)
 */
export const REFUSED: Record<string, string[]> = {
  'docs_gitbook_tutorials_apisix-progressive-delivery_1_Canary.yaml': [unsupported('apisix')],
  'docs_gitbook_tutorials_gloo-progressive-delivery_1_Canary.yaml': [unsupported('gloo')],
  'docs_gitbook_tutorials_knative-progressive-delivery_1_Canary.yaml': [unsupported('knative'), SERVICE_TARGET],
  'docs_gitbook_tutorials_kuma-progressive-delivery_0_Canary.yaml': [unsupported('kuma')],
  'docs_gitbook_tutorials_skipper-progressive-delivery_2_Canary.yaml': [unsupported('skipper')],
  // Flagger's docs leave these out or as placeholders; Flagger fails the checks as well.
  'docs_gitbook_usage_metrics_24_MetricTemplate.yaml': ['spec.provider.address: influxdb needs provider.address'],
  'docs_gitbook_usage_metrics_31_MetricTemplate.yaml': ['spec.provider.address: provider.address "https://api.<REALM>.signalfx.com" is not an http(s) URL'],
  'docs_gitbook_usage_metrics_28_MetricTemplate.yaml': [metricType('keptn')],
  'docs_gitbook_usage_metrics_34_MetricTemplate.yaml': [metricType('externalmetrics')],
  'apisix-canary-1.yaml': [unsupported('apisix')],
  'gloo-canary-1.yaml': [unsupported('gloo')],
  'gloo-canary-2.yaml': [unsupported('gloo')],
  'gloomesh-canary-1.yaml': [
    'spec.provider: must be one of apisix, appmesh, appmesh:v1beta2, contour, gatewayapi:v1, gatewayapi:v1beta1, gloo, istio, knative, kubernetes, kuma, linkerd, nginx, osm, skipper, smi:v1alpha1, smi:v1alpha2, smi:v1alpha3, traefik; got "gloo-mesh"',
    'spec.routeTableRef: unknown field "routeTableRef"',
  ],
  'knative-canary-1.yaml': [unsupported('knative'), SERVICE_TARGET],
  'knative-canary-2.yaml': [unsupported('knative'), SERVICE_TARGET],
  'kuma-canary-1.yaml': [unsupported('kuma')],
  'kuma-canary-2.yaml': [unsupported('kuma')],
  'osm-canary-2.yaml': [unsupported('osm')],
  'osm-canary-3.yaml': [unsupported('osm')],
  'osm-steps-1.yaml': [unsupported('osm')],
  'skipper-canary-1.yaml': [unsupported('skipper')],
  'skipper-e2e-canary-1.yaml': [unsupported('skipper')],
};
