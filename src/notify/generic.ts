import type { Severity } from '../engine/types.js';
import type { AlertMessage, ProviderFormat } from './types.js';

/** Pennant's own type: plain JSON for receivers of your own (no Flagger equivalent). */
export interface GenericPayload {
  canary: string;
  namespace: string;
  severity: Severity;
  message: string;
  fields: Record<string, string>;
  /** RFC 3339, UTC. */
  timestamp: string;
}

export function genericPayload(message: AlertMessage): GenericPayload {
  return {
    canary: message.name,
    namespace: message.namespace,
    severity: message.severity,
    message: message.message,
    fields: { ...message.fields },
    timestamp: message.timestamp.toISOString(),
  };
}

export const generic: ProviderFormat = { payload: (message) => genericPayload(message) };
