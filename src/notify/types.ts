import type { AlertProviderSpec, Canary, CanaryAnalysis } from '../api/index.js';
import type { Severity } from '../engine/types.js';
import type { AlertDetails } from './alert-details.js';

export interface Notification {
  canary: Canary;
  severity: Severity;
  message: string;
  fields: Record<string, string>;
  /** The target's images, when the sender could read the target (the dispatcher does). */
  images?: string[];
}

/** Where alerts go: one implementation per alert provider type, chosen per Canary. */
export interface Notifier {
  /** `signal` is the controller's shutdown: it ends waits between retries, never a first attempt. */
  post(notification: Notification, signal?: AbortSignal): Promise<void>;
}

export type ProviderType = AlertProviderSpec['type'];

/** One `analysis.alerts[]` entry: a name, a severity to subscribe at, and an AlertProvider. */
export type CanaryAlert = NonNullable<CanaryAnalysis['alerts']>[number];

/** One alert as the chat providers see it: whose, how bad, what, and the facts. */
export interface AlertMessage {
  /** The Canary's name (Flagger's "workload"). */
  name: string;
  namespace: string;
  severity: Severity;
  message: string;
  /** In insertion order, which is the order the fields are shown. */
  fields: Record<string, string>;
  /** Phase, weight, failing checks, images and link, for the formats that show them. */
  details: AlertDetails;
  timestamp: Date;
}

/** A resolved place to deliver to. `address` (and `token`, `proxy`) are secrets: never log them. */
export interface Destination {
  /** Names the destination in messages, never its URL: `slack AlertProvider ns/name`. */
  label: string;
  address: string;
  token?: string;
  proxy?: string;
  channel: string;
  username: string;
  /** A link template (`{namespace}`, `{name}`): the AlertProvider's spec.link, else --alert-link. */
  link?: string;
}

/** A provider type: the body it POSTs, and where (Discord appends `/slack` to the address). */
export interface ProviderFormat {
  payload(message: AlertMessage, destination: Destination): unknown;
  url?(address: string): string;
}

export const DEFAULT_CHANNEL = 'general';
export const DEFAULT_USERNAME = 'pennant';
