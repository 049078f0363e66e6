import type { Logger } from 'pino';
import type { Notification, Notifier } from './types.js';

/** Until AlertProviders are wired in, alerts are structured log lines (and Kubernetes Events). */
export class LogNotifier implements Notifier {
  constructor(private readonly logger: Logger) {}

  async post(n: Notification): Promise<void> {
    const canary = `${n.canary.metadata.namespace ?? 'default'}/${n.canary.metadata.name ?? ''}`;
    this.logger.info({ canary, severity: n.severity, fields: n.fields, alert: true }, n.message);
  }
}
