import type { Severity } from '../engine/types.js';
import type { CanaryAlert } from './types.js';

const RANK: Record<Severity, number> = { info: 0, warn: 1, error: 2 };

/**
 * Does an `analysis.alerts[]` entry subscribed at `subscribed` get a notification of `severity`?
 * info gets everything, warn gets warn and error, error gets error only. An empty or missing severity
 * means info, as Flagger's docs say (Flagger's code sends such an entry nothing).
 */
export function subscribes(subscribed: CanaryAlert['severity'], severity: Severity): boolean {
  const level: Severity = subscribed === undefined || subscribed === '' ? 'info' : subscribed;
  return RANK[severity] >= RANK[level];
}
