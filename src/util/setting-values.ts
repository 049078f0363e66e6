import { statSync } from 'node:fs';
import { z } from 'zod';
import { formatDuration, parseDuration } from '../engine/duration.js';

// Schemas for the text of flags and environment variables. Each message reads after the quoted
// value (`--interval: "banana" is not a duration (e.g. 30s, 1m)`), see settings.ts. Programs may
// pass native values (a number, a boolean) where the CLI passes text.

/** A non-empty string: a name, a path. */
export const text = () => z.string({ error: 'is not text' }).min(1, { error: 'is empty' });

/** Digits only: "1e3", "0x10", " 4" and "" are mistakes, not numbers (z.coerce would take them). */
export function wholeNumber(range: { min: number; max?: number }) {
  const within = range.max === undefined ? `at least ${range.min}` : `between ${range.min} and ${range.max}`;
  const error = `is not a whole number ${within}`;
  let number = z.number({ error }).int({ error }).min(range.min, { error });
  if (range.max !== undefined) number = number.max(range.max, { error });
  return z.preprocess((v) => (typeof v === 'string' && /^-?[0-9]+$/.test(v) ? Number(v) : v), number);
}

/** A TCP port to listen on; 0 lets the system pick a free one (tests, several controllers on one host). */
export function port() {
  const error = 'is not a port (1-65535, or 0 for any free port)';
  return z.preprocess((v) => (typeof v === 'string' && /^[0-9]+$/.test(v) ? Number(v) : v), z.number({ error }).int({ error }).min(0, { error }).max(65535, { error }));
}

/** A Go-style duration ("30s", "1m30s", "500ms"), kept as text, optionally within bounds. */
export function duration(range: { minMs?: number; maxMs?: number } = {}) {
  const { minMs = 1, maxMs = Number.POSITIVE_INFINITY } = range;
  const bounds = Number.isFinite(maxMs) ? `from ${formatDuration(minMs)} to ${formatDuration(maxMs)}` : `of at least ${formatDuration(minMs)}`;
  return z
    .string({ error: 'is not a duration (e.g. 30s, 1m)' })
    .refine((v) => parseDuration(v) !== undefined, { error: 'is not a duration (e.g. 30s, 1m)', abort: true })
    .refine((v) => {
      const ms = parseDuration(v) ?? 0;
      return ms >= minMs && ms <= maxMs;
    }, { error: `is not a duration ${bounds}` });
}

/** An http:// or https:// address. `prometheus:9090` parses as a URL with the scheme "prometheus:": refused. */
export function httpUrl(example: string) {
  return z.url({ protocol: /^https?$/, error: `is not an http(s) URL (e.g. ${example})` });
}

/** One of a list that may be computed (the router factory's providers), so no literal tuple for z.enum. */
export function oneOf<T extends string>(values: readonly T[]) {
  return z.custom<T>((v) => typeof v === 'string' && (values as readonly string[]).includes(v), { error: `is not one of: ${values.join(', ')}` });
}

/** A switch: true from the flag; "true"/"false" (also 1/0, yes/no, on/off) from a variable. */
export const onOff = () => z.union([z.boolean(), z.stringbool()], { error: 'is not true or false' });

/** A file that exists now: a typo in a path is a usage error, not a stack trace from deep inside. */
export function existingFile() {
  return text().refine((path) => statSync(path, { throwIfNoEntry: false })?.isFile() === true, { error: 'is not a file (no such file, or a directory)' });
}

/** A namespace's name: a DNS-1123 label, as the API server requires. */
export function namespaceName() {
  return text().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, { error: 'is not a namespace name (lowercase letters, digits and "-"; at most 63)' });
}
