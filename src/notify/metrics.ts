import { Counter, type Registry } from 'prom-client';
import type { RetryReason } from './retry-policy.js';

export type DeliveryResult = 'sent' | 'failed';

/** Counts each delivery to one destination; `type` is the provider type, `unknown` when unresolved. */
export interface DeliveryCounter {
  inc(labels: { type: string; result: DeliveryResult }): void;
}

/** `pennant_alert_deliveries_total{type, result}` on the controller's registry. */
export function alertDeliveries(registry: Registry): DeliveryCounter {
  return new Counter({
    name: 'pennant_alert_deliveries_total',
    help: 'Alerts posted to AlertProviders and the global notifier, by provider type and result',
    labelNames: ['type', 'result'] as const,
    registers: [registry],
  });
}

/** Counts each retry of a delivery; `reason` is why the attempt before it failed. */
export interface RetryCounter {
  inc(labels: { type: string; reason: RetryReason }): void;
}

/** `pennant_alert_delivery_retries_total{type, reason}` on the controller's registry. */
export function alertDeliveryRetries(registry: Registry): RetryCounter {
  return new Counter({
    name: 'pennant_alert_delivery_retries_total',
    help: 'Alert deliveries tried again, by provider type and why the attempt before failed (rate-limited, server-error, unreachable)',
    labelNames: ['type', 'reason'] as const,
    registers: [registry],
  });
}
