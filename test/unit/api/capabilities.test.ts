import { describe, expect, it } from 'vitest';
import {
  ALERT_PROVIDER_TYPES, BUILTIN_METRICS, DEFAULT_PROVIDER, METRIC_PROVIDER_TYPES, PROVIDER_SUPPORT, PROVIDERS, type Provider,
  SUPPORTED_ALERT_PROVIDERS, SUPPORTED_METRIC_PROVIDERS, SUPPORTED_PROVIDERS, SUPPORTED_TARGET_KINDS, type TargetKind,
  unsupportedMetricProvider, unsupportedProvider, unsupportedTargetKind,
} from '../../../src/api/index.js';
import { controllerConfig } from '../../../src/controller/config.js';
import { builtinObserverFor, createMetricProvider, renderBuiltinQuery } from '../../../src/metrics/index.js';
import { EVERY_METRIC_CREDENTIAL } from '../metrics/every-credential.js';
import { FORMATS } from '../../../src/notify/factory.js';
import { routerFor } from '../../../src/routers/index.js';
import { workloadFor } from '../../../src/workloads/index.js';
import { cluster, makeCanary } from '../workloads/fixtures.js';

const { client, cache } = await cluster([]);
const thrown = (build: () => unknown): string | undefined => {
  try {
    build();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
};

/** The code that acts must do what the table (src/api/capabilities.ts) promises, no more and no less. */
describe('the capability table and the factories agree', () => {
  it.each(PROVIDERS)('provider %s: routerFor builds it exactly when the table lists it, with the table\'s capabilities', (provider) => {
    const support = PROVIDER_SUPPORT[provider];
    if (support === undefined) {
      expect(thrown(() => routerFor(provider, { kube: client, cache }))).toBe(unsupportedProvider(provider));
      return;
    }
    const router = routerFor(provider, { kube: client, cache });
    expect(router.provider).toBe(provider);
    expect(router.capabilities).toEqual({ provider, ...support.routing });
  });

  it.each<TargetKind>(['Deployment', 'DaemonSet', 'Service'])('targetRef.kind %s: workloadFor builds it exactly when the table lists it', (kind) => {
    const canary = makeCanary({ spec: { targetRef: { apiVersion: 'apps/v1', kind, name: 'podinfo' } } });
    const error = thrown(() => workloadFor(canary, client, cache));
    expect(error).toBe(SUPPORTED_TARGET_KINDS.includes(kind) ? undefined : unsupportedTargetKind(kind));
  });

  it('every provider routes only target kinds the workload factory can run', () => {
    for (const support of Object.values(PROVIDER_SUPPORT)) {
      for (const kind of support?.targetKinds ?? []) expect(SUPPORTED_TARGET_KINDS).toContain(kind);
    }
  });

  it.each(METRIC_PROVIDER_TYPES)('MetricTemplate provider.type %s: the metric factory queries it exactly when the table lists it', (type) => {
    const error = thrown(() => createMetricProvider({ type, address: 'http://127.0.0.1:9090', region: 'us-east-1' }, EVERY_METRIC_CREDENTIAL));
    expect(error).toBe(SUPPORTED_METRIC_PROVIDERS.includes(type) ? undefined : unsupportedMetricProvider(type));
  });

  it('the notifier factory has a format for exactly the AlertProvider types of the table', () => {
    expect(Object.keys(FORMATS).sort()).toEqual([...SUPPORTED_ALERT_PROVIDERS].sort());
    expect([...SUPPORTED_ALERT_PROVIDERS].sort()).toEqual([...ALERT_PROVIDER_TYPES].sort());
  });

  it.each(SUPPORTED_PROVIDERS)('provider %s has a query for each builtin metric the table lists, and none for the others (smi:*: none, as Flagger has none of its own)', (provider: Provider) => {
    const listed = PROVIDER_SUPPORT[provider]?.builtinMetrics ?? [];
    const canary = makeCanary({ spec: { provider } });
    const vars = { name: 'podinfo', namespace: 'test', target: 'podinfo', service: 'podinfo', ingress: 'podinfo', route: 'podinfo', interval: '1m', variables: {} };
    for (const metric of BUILTIN_METRICS) {
      const observer = () => renderBuiltinQuery(builtinObserverFor(canary, provider), metric, vars);
      if (listed.includes(metric)) expect(observer()).toContain('podinfo');
      else expect(thrown(observer)).toBeDefined();
    }
  });

  it("the default provider is the controller's --provider default", () => {
    expect(controllerConfig.parse({}).provider).toBe(DEFAULT_PROVIDER);
  });
});
