import { alertDetails } from './alert-details.js';
import { deliver, type DeliveryOptions } from './deliver.js';
import { discord } from './discord.js';
import { NotifyError } from './errors.js';
import { gchat } from './gchat.js';
import { generic } from './generic.js';
import { msteams } from './msteams.js';
import { rocket } from './rocket.js';
import { slack } from './slack.js';
import type { AlertMessage, Destination, Notification, Notifier, ProviderFormat, ProviderType } from './types.js';

/** Every AlertProvider type: adding one is a file and a line here (the Record makes it a compile error to forget). */
export const FORMATS: Record<ProviderType, ProviderFormat> = { slack, discord, rocket, msteams, gchat, generic };

export interface NotifierOptions extends DeliveryOptions {
  now?: () => Date;
}

/** Posts each notification to one destination in one provider type's format. */
export class ProviderNotifier implements Notifier {
  constructor(
    private readonly format: ProviderFormat,
    private readonly destination: Destination,
    private readonly options: NotifierOptions = {},
  ) {}

  async post(notification: Notification, signal?: AbortSignal): Promise<void> {
    const message = alertMessage(notification, (this.options.now ?? (() => new Date()))(), this.destination.link);
    const body = this.format.payload(message, this.destination);
    await deliver(this.destination, this.url(), body, signal ? { ...this.options, signal } : this.options);
  }

  private url(): string {
    try {
      return this.format.url ? this.format.url(this.destination.address) : this.destination.address;
    } catch {
      throw new NotifyError('Config', `${this.destination.label}: address is not a valid URL`);
    }
  }
}

export function createNotifier(type: ProviderType, destination: Destination, options: NotifierOptions = {}): Notifier {
  return new ProviderNotifier(FORMATS[type], destination, options);
}

export function alertMessage(n: Notification, timestamp: Date, linkTemplate?: string): AlertMessage {
  return {
    name: n.canary.metadata.name ?? '',
    namespace: n.canary.metadata.namespace ?? 'default',
    severity: n.severity,
    message: n.message,
    fields: n.fields,
    details: alertDetails(n.canary, n.images ?? [], linkTemplate),
    timestamp,
  };
}
