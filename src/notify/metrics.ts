import { Counter, type Registry } from 'prom-client';

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
