import { describe, expect, it } from 'vitest';
import type { Canary, CanaryMetric } from '../../../src/api/index.js';
import { MetricError, buildTemplateVars, renderQuery, type TemplateVars } from '../../../src/metrics/index.js';

const vars: TemplateVars = {
  name: 'podinfo-canary',
  namespace: 'test',
  target: 'podinfo',
  service: 'podinfo-svc',
  ingress: 'podinfo-ing',
  route: 'podinfo-route',
  interval: '30s',
  variables: { direction: 'inbound', code_class: '5xx' },
};

describe('renderQuery', () => {
  it.each([
    ['{{ namespace }}', 'test'],
    ['{{ name }}', 'podinfo-canary'],
    ['{{ target }}', 'podinfo'],
    ['{{ service }}', 'podinfo-svc'],
    ['{{ ingress }}', 'podinfo-ing'],
    ['{{ route }}', 'podinfo-route'],
    ['{{ interval }}', '30s'],
    ['{{ variables.direction }}', 'inbound'],
    ['{{variables.code_class}}', '5xx'],
    ['{{namespace}}/{{  target  }}', 'test/podinfo'],
    ['rate(x{ns="{{ namespace }}"}[{{ interval }}])', 'rate(x{ns="test"}[30s])'],
    ['a  {{- target -}}  b', 'apodinfob'],
    ['a {{/* a comment */}}b', 'a b'],
    ['no actions at all', 'no actions at all'],
    ['{ not an action }', '{ not an action }'],
  ])('%s → %s', (template, expected) => {
    expect(renderQuery(template, vars)).toBe(expected);
  });

  it.each([
    ['{{ variables.missing }}', /templateVariables has no "missing"/],
    ['{{ namespce }}', /unknown \{\{ namespce \}\}: available are \{\{ name \}\}/],
    ['{{ .namespace }}', /without a dot/],
    ['{{ variables }}', /is a map/],
    ['{{ printf "%s" target }}', /unknown \{\{ printf "%s" target \}\}/],
    ['{{ }}', /empty action/],
    ['sum({{ target )', /unclosed/],
    ['{{ variables.toString }}', /templateVariables has no "toString"/],
  ])('%s is a render error', (template, message) => {
    expect(() => renderQuery(template, vars)).toThrow(message);
    try {
      renderQuery(template, vars);
    } catch (err) {
      expect((err as MetricError).code).toBe('Render');
    }
  });
});

const canary = (spec: Partial<Canary['spec']> = {}): Canary => ({
  apiVersion: 'pennant.dev/v1beta1',
  kind: 'Canary',
  metadata: { name: 'podinfo', namespace: 'test' },
  spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo-app' }, analysis: {}, ...spec },
});

describe('buildTemplateVars', () => {
  const metric: CanaryMetric = { name: 'm' };

  it('defaults service, ingress and route to the target, and interval to 1m', () => {
    expect(buildTemplateVars(canary(), metric)).toEqual({
      name: 'podinfo', namespace: 'test', target: 'podinfo-app', service: 'podinfo-app', ingress: 'podinfo-app',
      route: 'podinfo-app', interval: '1m', variables: {},
    });
  });

  it('takes the service, ingressRef, routeRef, interval and templateVariables from the spec', () => {
    const vars = buildTemplateVars(
      canary({
        service: { port: 80, name: 'web' },
        ingressRef: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'web-ing' },
        routeRef: { apiVersion: 'apisix.apache.org/v2', kind: 'ApisixRoute', name: 'web-route' },
      }),
      { name: 'm', interval: '2m', templateVariables: { a: 'b' } },
    );
    expect(vars).toMatchObject({ service: 'web', ingress: 'web-ing', route: 'web-route', interval: '2m', variables: { a: 'b' } });
  });

  it('lets an observed route (Knative revision) win over routeRef', () => {
    expect(buildTemplateVars(canary(), metric, { route: 'podinfo-00002' }).route).toBe('podinfo-00002');
  });
});
