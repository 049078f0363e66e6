import type { Canary } from '../api/index.js';
import type { Severity } from '../engine/types.js';

export interface Notification {
  canary: Canary;
  severity: Severity;
  message: string;
  fields: Record<string, string>;
}

/** Where alerts go: one implementation per alert provider type, chosen per Canary. */
export interface Notifier {
  post(notification: Notification): Promise<void>;
}
