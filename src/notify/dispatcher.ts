import type { Logger } from 'pino';
import type { Canary } from '../api/index.js';
import type { ObjectReader } from '../workloads/types.js';
import { templateImages } from './alert-details.js';
import { errorMessage, NotifyError } from './errors.js';
import { createNotifier, type NotifierOptions } from './factory.js';
import type { GlobalNotifier } from './global.js';
import { LogNotifier } from './log-notifier.js';
import type { DeliveryCounter, RetryCounter } from './metrics.js';
import type { RetryReason } from './retry-policy.js';
import { resolveAlertProvider, type ResolvedProvider, secretsOfAlert } from './resolve.js';
import { subscribes } from './severity.js';
import type { CanaryAlert, Destination, Notification, Notifier, ProviderType } from './types.js';

export interface AlertEvent {
  type: 'Warning';
  reason: 'AlertFailed';
  message: string;
}

export interface AlertDispatcherDeps {
  /** Reads AlertProviders and Secrets: the controller's informer cache. */
  reader: ObjectReader;
  logger: Logger;
  /** For Canaries without `analysis.alerts`; none means those alerts are only logged. */
  global?: GlobalNotifier | undefined;
  /** Adds a `Cluster` field first in every alert, as Flagger's `-cluster-name`. */
  clusterName?: string | undefined;
  allowCrossNamespaceRefs?: boolean;
  deliveries?: DeliveryCounter;
  retries?: RetryCounter;
  /** A Kubernetes Event on the Canary when an alert could not be delivered. */
  recordEvent?: (canary: Canary, event: AlertEvent) => Promise<void>;
  /** `--alert-link`: the link template of destinations whose AlertProvider sets no spec.link. */
  alertLink?: string | undefined;
  /** Timeouts and retry (tests shorten them) and the clock of the generic payload. */
  delivery?: NotifierOptions;
  /** Replaced in tests; by default the provider type's notifier from the factory. */
  notifierFor?: (type: ProviderType, destination: Destination) => Notifier;
}

/**
 * The controller's Notifier: logs every alert, then posts it to each AlertProvider of the Canary's
 * `analysis.alerts` whose severity filter lets it through (concurrently), or to the global notifier
 * when the Canary has none. Resolves when every delivery is done, so the controller's sequential
 * report keeps one Canary's alerts in order. Never throws: a failed delivery is logged, counted and
 * recorded as a Warning Event `AlertFailed` on the Canary.
 */
export class AlertDispatcher implements Notifier {
  private readonly log: LogNotifier;

  constructor(private readonly deps: AlertDispatcherDeps) {
    this.log = new LogNotifier(deps.logger);
  }

  async post(notification: Notification, signal?: AbortSignal): Promise<void> {
    try {
      await this.log.post(notification);
      const n = this.withImages(this.withCluster(notification));
      const alerts = n.canary.spec.analysis.alerts ?? [];
      if (alerts.length === 0) {
        const global = this.deps.global;
        if (global) await this.send(n, 'alert', () => global, signal);
        return;
      }
      const subscribed = alerts.filter((alert) => subscribes(alert.severity, n.severity));
      await Promise.all(subscribed.map((alert) => this.send(n, `alert "${alert.name}"`, () => this.resolve(n.canary, alert), signal)));
    } catch (err) {
      this.deps.logger.error({ err: errorMessage(err) }, 'alert dispatch failed');
    }
  }

  private async resolve(canary: Canary, alert: CanaryAlert): Promise<ResolvedProvider> {
    await this.deps.reader.ensureContent?.(secretsOfAlert(this.deps.reader, canary, alert));
    return resolveAlertProvider(this.deps.reader, canary, alert, { allowCrossNamespaceRefs: this.deps.allowCrossNamespaceRefs ?? true });
  }

  private async send(n: Notification, what: string, target: () => ResolvedProvider | Promise<ResolvedProvider>, signal?: AbortSignal): Promise<void> {
    let type = 'unknown';
    try {
      const resolved = await target();
      type = resolved.type;
      const destination = withLink(resolved.destination, this.deps.alertLink);
      const counted = { ...this.deps.delivery, onRetry: (reason: RetryReason) => this.deps.retries?.inc({ type: resolved.type, reason }) };
      const notifier = this.deps.notifierFor?.(resolved.type, destination) ?? createNotifier(resolved.type, destination, counted);
      await notifier.post(n, signal);
      this.deps.deliveries?.inc({ type, result: 'sent' });
    } catch (err) {
      this.deps.deliveries?.inc({ type: err instanceof NotifyError ? (err.providerType ?? type) : type, result: 'failed' });
      await this.reportFailure(n.canary, `${what} not delivered: ${errorMessage(err)}`);
    }
  }

  private async reportFailure(canary: Canary, message: string): Promise<void> {
    const id = `${canary.metadata.namespace ?? 'default'}/${canary.metadata.name ?? ''}`;
    this.deps.logger.error({ canary: id }, message);
    if (!this.deps.recordEvent) return;
    try {
      await this.deps.recordEvent(canary, { type: 'Warning', reason: 'AlertFailed', message });
    } catch (err) {
      this.deps.logger.warn({ canary: id, err: errorMessage(err) }, 'could not record the AlertFailed event');
    }
  }

  /** The target's images, from the informer cache; none when it cannot be read (the alert goes anyway). */
  private withImages(n: Notification): Notification {
    const { targetRef } = n.canary.spec;
    let images: string[] = [];
    try {
      images = templateImages(this.deps.reader.get({ apiVersion: targetRef.apiVersion, kind: targetRef.kind }, n.canary.metadata.namespace ?? 'default', targetRef.name));
    } catch {
      // The reader's failure shows where it matters: resolving the AlertProvider reports it.
    }
    return images.length > 0 ? { ...n, images } : n;
  }

  private withCluster(n: Notification): Notification {
    const cluster = this.deps.clusterName;
    return cluster ? { ...n, fields: { Cluster: cluster, ...n.fields } } : n;
  }
}

const withLink = (destination: Destination, fallback: string | undefined): Destination =>
  destination.link || !fallback ? destination : { ...destination, link: fallback };
