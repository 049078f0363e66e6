import type { AlertMessage } from './types.js';

/** Cuts text to a receiver's limit, marking the cut, so an overlong value never gets the message refused. */
export function clip(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

/**
 * The facts of a rich message, in order: canary, namespace, phase and weight when known, then the
 * alert's fields (those naming a failing check are left to the failing-checks part, which has the
 * value and the threshold).
 */
export function factsOf(message: AlertMessage): [string, string][] {
  const { details } = message;
  const failing = new Set(details.failingChecks.map((check) => check.name));
  return [
    ['Canary', message.name],
    ['Namespace', message.namespace],
    ...(details.phase ? [['Phase', details.phase] as [string, string]] : []),
    ...(details.weight !== undefined ? [['Weight', `${details.weight}%`] as [string, string]] : []),
    ...Object.entries(message.fields).filter(([name]) => !failing.has(name)),
  ];
}
