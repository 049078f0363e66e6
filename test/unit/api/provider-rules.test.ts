import { describe, expect, it } from 'vitest';
import { formatPath, type Provider, validateManifest } from '../../../src/api/index.js';

const canary = (spec: Record<string, unknown>, analysis: Record<string, unknown> = {}) => ({
  apiVersion: 'pennant.dev/v1beta1',
  kind: 'Canary',
  metadata: { name: 'podinfo', namespace: 'test' },
  spec: {
    targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
    service: { port: 9898 },
    ...spec,
    analysis: { interval: '1m', threshold: 5, stepWeight: 10, maxWeight: 50, ...analysis },
  },
});

const issues = (doc: unknown, defaultProvider?: Provider) =>
  validateManifest(doc, defaultProvider ? { defaultProvider } : {}).map((i) => `${i.severity} ${formatPath(i.path)}: ${i.message}`);

describe('a Canary against the capability table', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>, string]>([
    ['Gateway API session affinity', { provider: 'gatewayapi:v1' }, { sessionAffinity: { cookieName: 'canary' } },
      'warning spec.analysis.sessionAffinity: gatewayapi:v1 does not support session affinity: analysis.sessionAffinity is ignored, each request is routed by weight alone'],
    ['mirroring on NGINX', { provider: 'nginx' }, { mirror: true },
      'warning spec.analysis.mirror: nginx cannot mirror traffic: analysis.mirror is ignored'],
    ['mirrorWeight outside Istio and Contour', { provider: 'gatewayapi:v1beta1' }, { mirror: true, mirrorWeight: 20 },
      'warning spec.analysis.mirrorWeight: gatewayapi:v1beta1 cannot mirror a share of requests: analysis.mirrorWeight is ignored, every request is mirrored'],
    ['mirrorWeight without mirror', { provider: 'istio' }, { mirrorWeight: 20 },
      'warning spec.analysis.mirrorWeight: mirrorWeight has no effect without mirror: true'],
    ['A/B testing on Traefik', { provider: 'traefik' }, { stepWeight: undefined, maxWeight: undefined, iterations: 5, match: [{ headers: { x: { exact: 'y' } } }] },
      'warning spec.analysis.match: traefik cannot match requests: A/B testing runs as blue/green, analysis.match is ignored'],
    ['match on the kubernetes provider', { provider: 'kubernetes' }, { stepWeight: undefined, maxWeight: undefined, iterations: 5, match: [{ headers: { x: { exact: 'y' } } }] },
      'warning spec.analysis.match: kubernetes cannot match requests: A/B testing runs as blue/green, analysis.match is ignored'],
    ['match without iterations', { provider: 'istio' }, { match: [{ headers: { x: { exact: 'y' } } }] },
      'warning spec.analysis.match: analysis.match is ignored without iterations: requests are matched only in A/B testing'],
    ['weight steps on the kubernetes provider', { provider: 'kubernetes' }, {},
      'warning spec.analysis.stepWeight: kubernetes cannot split traffic by weight: running 10 blue/green iterations instead of weight steps'],
    ['stepWeightPromotion on the kubernetes provider', { provider: 'kubernetes' }, { stepWeight: undefined, maxWeight: undefined, iterations: 3, stepWeightPromotion: 20 },
      'warning spec.analysis.stepWeightPromotion: kubernetes cannot split traffic by weight: stepWeightPromotion is ignored, promotion moves all traffic at once'],
    ['a provider Pennant cannot route', { provider: 'kuma' }, {},
      'error spec.provider: provider kuma is not supported by this version of Pennant yet (supported: kubernetes, gatewayapi:v1, gatewayapi:v1beta1, istio, nginx, contour, traefik, linkerd, smi:v1alpha1, smi:v1alpha2, smi:v1alpha3)'],
    ['A/B testing on SMI', { provider: 'smi:v1alpha3' }, { stepWeight: undefined, maxWeight: undefined, iterations: 5, match: [{ headers: { x: { exact: 'y' } } }] },
      'warning spec.analysis.match: smi:v1alpha3 cannot match requests: A/B testing runs as blue/green, analysis.match is ignored'],
    ['a builtin metric on SMI (Flagger has none: it falls back to Istio\'s)', { provider: 'smi:v1alpha2' }, { metrics: [{ name: 'request-success-rate', threshold: 99, interval: '1m' }] },
      'error spec.analysis.metrics[0].name: provider smi:v1alpha2 has no builtin request-success-rate metric'],
    ['a DaemonSet target of a provider that cannot route one', { provider: 'istio', targetRef: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'podinfo' } }, {},
      'error spec.targetRef.kind: provider istio cannot route a DaemonSet target'],
    ['a Service target', { provider: 'istio', targetRef: { apiVersion: 'v1', kind: 'Service', name: 'podinfo' } }, {},
      'error spec.targetRef.kind: targetRef.kind Service is not supported yet by this version of Pennant; use a Deployment or a DaemonSet'],
  ])('%s is named, with the provider and the feature', (_what, spec, analysis, expected) => {
    expect(issues(canary(spec, analysis))).toEqual([expected]);
  });

  it.each<[Provider, Record<string, unknown>]>([
    ['istio', { mirror: true, mirrorWeight: 20 }],
    ['istio', { sessionAffinity: { cookieName: 'canary' } }],
    ['contour', { mirror: true, mirrorWeight: 20 }],
    ['gatewayapi:v1', { mirror: true }],
    ['nginx', { stepWeight: undefined, maxWeight: undefined, iterations: 5, match: [{ headers: { x: { exact: 'y' } } }] }],
    ['kubernetes', { stepWeight: undefined, maxWeight: undefined, iterations: 5 }],
    ['linkerd', { metrics: [{ name: 'request-success-rate', threshold: 99, interval: '1m' }, { name: 'request-duration', threshold: 500, interval: '1m' }] }],
    ['smi:v1alpha1', {}],
  ])('what %s can do is not reported: %j', (provider, analysis) => {
    expect(issues(canary({ provider }, analysis))).toEqual([]);
  });

  it('judges a Canary without provider by the default provider, and says so', () => {
    const doc = canary({}, { mirror: true });
    expect(issues(doc, 'istio')).toEqual([]);
    expect(issues(doc, 'kubernetes')).toEqual([
      'warning spec.analysis.stepWeight: kubernetes cannot split traffic by weight: running 10 blue/green iterations instead of weight steps',
      'warning spec.analysis.mirror: kubernetes cannot mirror traffic: analysis.mirror is ignored',
    ]);
    expect(validateManifest(doc)[0]?.hint).toContain('the Canary sets no provider: kubernetes is the default, from --provider');
    expect(issues(doc, 'knative')).toEqual([expect.stringMatching(/^error spec.provider: provider knative is not supported/)]);
  });

  it('maxWeight with stepWeights is a warning: Flagger accepts it, and promotion follows the last step', () => {
    expect(issues(canary({ provider: 'istio' }, { stepWeight: undefined, stepWeights: [10, 20, 60] }))).toEqual([
      'warning spec.analysis.maxWeight: maxWeight (50) is ignored when stepWeights is set: promotion follows the last step (60)',
    ]);
  });
});

describe('a MetricTemplate against the capability table', () => {
  const template = (type: string, provider: Record<string, string> = { address: 'http://x', region: 'us-east-1' }) => ({
    apiVersion: 'pennant.dev/v1beta1', kind: 'MetricTemplate', metadata: { name: 'latency' }, spec: { provider: { type, ...provider }, query: 'up' },
  });

  it('of a type the metric factory cannot query is an error', () => {
    expect(issues(template('keptn'))).toEqual(['error spec.provider.type: metric provider keptn is not supported yet (supported: prometheus, datadog, cloudwatch, newrelic, graphite, influxdb, dynatrace, stackdriver, splunk)']);
  });

  it.each([
    ['influxdb', {}, ['error spec.provider.address: influxdb needs provider.address']],
    ['graphite', { address: ' ' }, ['error spec.provider.address: graphite needs provider.address']],
    ['cloudwatch', {}, ['error spec.provider.region: cloudwatch needs provider.region']],
    ['dynatrace', { address: 'https://<ENV>.live.dynatrace.com' }, ['error spec.provider.address: provider.address "https://<ENV>.live.dynatrace.com" is not an http(s) URL']],
    ['datadog', { address: 'ftp://datadog' }, ['error spec.provider.address: provider.address "ftp://datadog" is not an http(s) URL']],
    ['splunk', { address: 'wss://stream.us1.signalfx.com' }, []],
    ['datadog', {}, []],
  ])('%s with %j: %j', (type, provider, expected) => {
    expect(issues(template(type, provider))).toEqual(expected);
  });

  it.each(['prometheus', 'datadog', 'cloudwatch', 'newrelic', 'graphite', 'influxdb', 'dynatrace', 'stackdriver', 'splunk'])('of type %s is valid', (type) => {
    expect(issues(template(type))).toEqual([]);
  });
});
