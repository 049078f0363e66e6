import { describe, expect, it } from 'vitest';
import { METRIC_PROVIDER_TYPES, SUPPORTED_METRIC_PROVIDERS } from '../../../src/api/index.js';
import { MetricError, PrometheusProvider, createMetricProvider } from '../../../src/metrics/index.js';
import { closedPortUrl, json, startServer } from './local-server.js';
import { runMetricProviderContract } from './provider-contract.js';

describe('createMetricProvider', () => {
  it('builds a Prometheus provider, defaulting the address', () => {
    const provider = createMetricProvider({ type: 'prometheus' }, undefined, { defaultAddress: 'http://prometheus:9090' });
    expect(provider).toBeInstanceOf(PrometheusProvider);
  });

  it('needs an address from the spec or the flag', () => {
    expect(() => createMetricProvider({ type: 'prometheus' }, undefined)).toThrow(/no address/);
  });

  it.each(METRIC_PROVIDER_TYPES.filter((t) => !SUPPORTED_METRIC_PROVIDERS.includes(t)))('refuses %s with an Unsupported error', (type) => {
    try {
      createMetricProvider({ type, address: 'http://x' }, undefined);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(MetricError);
      expect((err as MetricError).code).toBe('Unsupported');
      expect((err as MetricError).message).toBe(`metric provider ${type} is not supported yet (supported: ${SUPPORTED_METRIC_PROVIDERS.join(', ')})`);
    }
  });
});

runMetricProviderContract('prometheus', async (scenario) => {
  if (scenario === 'unreachable') {
    const address = await closedPortUrl();
    return { provider: createMetricProvider({ type: 'prometheus', address }, undefined), close: async () => undefined };
  }
  const server = await startServer((_req, res) => {
    if (scenario === 'hangs') return;
    const result = scenario === 'value 42' ? [{ metric: {}, value: [1, '42'] }] : [];
    json(res, 200, { status: 'success', data: { resultType: 'vector', result } });
  });
  return { provider: createMetricProvider({ type: 'prometheus', address: server.url }, undefined), close: server.close };
});
