import { z } from 'zod';

/**
 * One setting of a command, declared once: its flag (`--` + the key in kebab case), the environment
 * variable that may set it instead, its help text, and the zod schema that parses the text given.
 * A command's settings are a record of these; the CLI registers the flags from it, and
 * `parseSettings` turns flags and environment into typed values in one zod parse.
 */
export interface Setting<S extends z.ZodType = z.ZodType> {
  /** Placeholder of the flag's value in the help ("n" → `--workers <n>`); absent for a switch (`--leader-elect`). */
  value?: string;
  /** A one-letter alias (`-o`). */
  short?: string;
  env?: string;
  help: string;
  /** Parses the text of the flag or variable (or a value a program passes); messages read after the quoted value. */
  schema: S;
  /** Its value is a credential (a webhook URL): an error names the flag or variable, never the value. */
  secret?: boolean;
  /** Turns the variable's text into the setting's (KUBECONFIG is a list: its first path). */
  fromEnv?: (text: string) => string | undefined;
}

export type Settings = Record<string, Setting>;
export type SettingsShape<T extends Settings> = { [K in keyof T]: T[K]['schema'] };
export type SettingsValues<T extends Settings> = z.output<z.ZodObject<SettingsShape<T>>>;

/** A flag or variable with a value it cannot take: exit status 2, each problem on its own line. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
  }
}

/** The zod shape of a command's settings, to build its schema from (and add settings that have no flag). */
export function settingsShape<T extends Settings>(settings: T): SettingsShape<T> {
  return Object.fromEntries(Object.entries(settings).map(([key, s]) => [key, s.schema])) as SettingsShape<T>;
}

export const flagOf = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Where a value came from, to name it in an error. */
interface Given {
  source: string;
  raw: unknown;
  secret: boolean;
}

/**
 * Flags (keyed by setting, as the CLI collected them) win over environment variables; empty
 * variables count as unset. Throws a ConfigError naming every flag or variable that is wrong.
 */
export function parseSettings<T extends Settings, S extends z.ZodType>(
  settings: T,
  schema: S,
  flags: Record<string, unknown>,
  env: Record<string, string | undefined>,
): z.output<S> {
  const input: Record<string, unknown> = {};
  const given = new Map<string, Given>();
  for (const [key, setting] of Object.entries(settings)) {
    const text = setting.env === undefined ? undefined : env[setting.env];
    const fromEnv = text === undefined || text === '' ? undefined : (setting.fromEnv?.(text) ?? text);
    const [source, raw] = flags[key] !== undefined ? [flagOf(key), flags[key]] : [setting.env ?? flagOf(key), fromEnv];
    if (raw === undefined) continue;
    input[key] = raw;
    given.set(key, { source, raw, secret: setting.secret === true });
  }
  for (const [key, raw] of Object.entries(flags)) if (!(key in settings) && raw !== undefined) input[key] = raw;
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new ConfigError(parsed.error.issues.map((issue) => problemOf(issue, given)));
}

function problemOf(issue: z.core.$ZodIssue, given: ReadonlyMap<string, Given>): string {
  const key = String(issue.path[0] ?? '');
  const at = given.get(key);
  // A setting without a flag, set by a program (resyncSeconds): named as the program wrote it.
  if (!at) return `${issue.path.join('.') || 'configuration'}: ${issue.message}`;
  if (at.secret) return `${at.source}: the value given (a secret, not shown) ${issue.message}`;
  return `${at.source}: ${quote(at.raw)} ${issue.message}`;
}

/** The value as the user typed it, cut short so a pasted file does not flood the terminal. */
function quote(raw: unknown): string {
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw) ?? String(raw);
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}
