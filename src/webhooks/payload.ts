import { createHash } from 'node:crypto';
import type { Canary, Phase } from '../api/index.js';

/** The JSON body every webhook receives (Flagger's CanaryWebhookPayload). */
export interface WebhookPayload {
  name: string;
  namespace: string;
  phase: Phase | '';
  checksum: string;
  /** The hook's metadata (and, for event hooks, the event); omitted from the body when empty. */
  metadata?: Record<string, string>;
}

export type EventType = 'Normal' | 'Warning';

export function buildPayload(canary: Canary, phase: Phase | ''): WebhookPayload {
  return {
    name: canary.metadata.name ?? canary.spec.targetRef.name,
    namespace: canary.metadata.namespace ?? 'default',
    phase,
    checksum: canaryChecksum(canary),
  };
}

/**
 * Payload of an `event` hook: the event's message, type and time (Unix ms) in metadata. They are
 * merged over the hook's own metadata when sent, so users cannot override those keys.
 */
export function buildEventPayload(canary: Canary, eventType: EventType, message: string, now: Date): WebhookPayload {
  return {
    ...buildPayload(canary, canary.status?.phase ?? ''),
    metadata: { eventMessage: message, eventType, timestamp: String(now.getTime()) },
  };
}

/**
 * An opaque, stable fingerprint of what the rollout is about (the applied spec and the tracked
 * configs), so a gate can tell one revision from the next. Not Flagger's value: it hashes a Go dump.
 */
export function canaryChecksum(canary: Canary): string {
  const { trackedConfigs = {}, lastAppliedSpec = '' } = canary.status ?? {};
  const sorted = Object.fromEntries(Object.entries(trackedConfigs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const canonical = JSON.stringify({ lastAppliedSpec, trackedConfigs: sorted });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

/** The body as sent: hook metadata under the payload's own, and no `metadata` key when empty. */
export function requestBody(payload: WebhookPayload, hookMetadata: Record<string, string> | undefined): string {
  const metadata = { ...hookMetadata, ...payload.metadata };
  const { metadata: _ignored, ...rest } = payload;
  return JSON.stringify(Object.keys(metadata).length > 0 ? { ...rest, metadata } : rest);
}
