import type { Canary } from '../api/index.js';

export type Outcome = 'promoted' | 'rolledBack';

export interface MessageVariables {
  canary: string;
  namespace: string;
  outcome: Outcome;
  reason: string;
  images: string;
}

export const MESSAGE_VARIABLES = ['canary', 'namespace', 'outcome', 'reason', 'images'] as const;

/** Renders `{{ canary }}`-style variables; an unknown variable is an error, not an empty string. */
export function renderMessage(template: string, vars: MessageVariables): { ok: true; message: string } | { ok: false; error: string } {
  const unknown = [...template.matchAll(/\{\{\s*([^}\s]*)\s*\}\}/g)].map((m) => m[1] ?? '').filter((name) => !(MESSAGE_VARIABLES as readonly string[]).includes(name));
  if (unknown.length) return { ok: false, error: `messageTemplate uses unknown variable${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `{{ ${u} }}`).join(', ')}; known: ${MESSAGE_VARIABLES.map((v) => `{{ ${v} }}`).join(', ')}` };
  const message = template.replace(/\{\{\s*([a-z]+)\s*\}\}/g, (_m, name: keyof MessageVariables) => vars[name]);
  return message.trim() ? { ok: true, message } : { ok: false, error: 'messageTemplate renders an empty commit message' };
}

/**
 * The default commit message: what happened in the subject; for a rollback, the reason and each
 * failing check with its value and bounds in the body (from the Canary's status.checks).
 */
export function defaultMessage(canary: Canary, vars: MessageVariables): string {
  const id = `${vars.namespace}/${vars.canary}`;
  if (vars.outcome === 'promoted') {
    return `Record promotion of ${id}: ${vars.images}\n\nPennant promoted ${vars.images} (${vars.reason}) and records it on the Canary.\n`;
  }
  const failing = (canary.status?.checks ?? []).filter((c) => c.verdict !== 'pass').map((c) => `- ${c.name}: ${describeCheck(c)}`);
  const checks = failing.length ? `\n\nFailing checks:\n${failing.join('\n')}` : '';
  return `Revert ${id} to ${vars.images}\n\nPennant rolled back ${id}: ${vars.reason}.${checks}\n\nGit now declares the version the primary runs again.\n`;
}

function describeCheck(check: NonNullable<NonNullable<Canary['status']>['checks']>[number]): string {
  const bounds = [check.min !== undefined ? `min ${check.min}` : '', check.max !== undefined ? `max ${check.max}` : ''].filter(Boolean).join(', ');
  const value = check.value === null || check.value === undefined ? check.verdict : String(check.value);
  return `${value}${bounds ? ` (${bounds})` : ''}${check.message ? ` — ${check.message}` : ''}`;
}
