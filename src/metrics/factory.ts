import { unsupportedMetricProvider } from '../api/index.js';
import { MetricError } from './errors.js';
import { PrometheusProvider, prometheusAuth } from './prometheus.js';
import type { Credentials, MetricProvider, MetricProviderSpec, ProviderOptions } from './provider.js';

/**
 * Builds the provider a MetricTemplate names. Throws a MetricError ('Config' or 'Unsupported') that the
 * caller turns into a failed check: an unsupported type is never silently treated as Prometheus
 * (Flagger does that for unknown types, with only a warning).
 */
export function createMetricProvider(
  spec: MetricProviderSpec,
  credentials: Credentials | undefined,
  options: ProviderOptions = {},
): MetricProvider {
  switch (spec.type) {
    case 'prometheus':
      return new PrometheusProvider({
        address: requireAddress(spec.address ?? options.defaultAddress),
        auth: prometheusAuth(credentials),
        headers: spec.headers,
        insecureSkipVerify: spec.insecureSkipVerify,
        timeoutMs: options.timeoutMs,
      });
    case 'influxdb':
    case 'datadog':
    case 'externalmetrics':
    case 'stackdriver':
    case 'cloudwatch':
    case 'newrelic':
    case 'graphite':
    case 'dynatrace':
    case 'keptn':
    case 'splunk':
      throw new MetricError('Unsupported', unsupportedMetricProvider(spec.type));
    default: {
      const unknown: never = spec.type;
      throw new MetricError('Unsupported', `unknown metric provider ${String(unknown)}`);
    }
  }
}

function requireAddress(address: string | undefined): string {
  if (address === undefined || address.trim() === '') {
    throw new MetricError('Config', 'prometheus has no address: set provider.address or the --metrics-server flag');
  }
  return address;
}
