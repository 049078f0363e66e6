import { unsupportedMetricProvider } from '../api/index.js';
import { cloudwatchProvider } from './cloudwatch.js';
import { datadogProvider } from './datadog.js';
import { dynatraceProvider } from './dynatrace.js';
import { MetricError } from './errors.js';
import { graphiteProvider } from './graphite.js';
import { influxdbProvider } from './influxdb.js';
import { newrelicProvider } from './newrelic.js';
import { PrometheusProvider, prometheusAuth } from './prometheus.js';
import type { Credentials, MetricProvider, MetricProviderSpec, ProviderOptions } from './provider.js';
import { splunkProvider } from './splunk.js';
import { stackdriverProvider } from './stackdriver.js';

/**
 * Builds the provider a MetricTemplate names: one file per provider type. Throws a MetricError ('Config' or 'Unsupported') that the
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
    case 'datadog': return datadogProvider(spec, credentials, options);
    case 'cloudwatch': return cloudwatchProvider(spec, credentials, options);
    case 'newrelic': return newrelicProvider(spec, credentials, options);
    case 'graphite': return graphiteProvider(spec, credentials, options);
    case 'influxdb': return influxdbProvider(spec, credentials, options);
    case 'dynatrace': return dynatraceProvider(spec, credentials, options);
    case 'stackdriver': return stackdriverProvider(spec, credentials, options);
    case 'splunk': return splunkProvider(spec, credentials, options);
    case 'externalmetrics':
    case 'keptn':
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
