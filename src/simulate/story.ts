import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { formatPath, type PathSegment } from '../api/issues.js';

/**
 * A metric story: what each check of a Canary reports at each analysis interval, and what its
 * webhooks answer. `pennant simulate` plays it to the real engine and controller.
 */

export const CHECK_WORDS = ['pass', 'fail', 'nodata', 'error'] as const;
export type CheckWord = (typeof CHECK_WORDS)[number];
export const HOOK_ANSWERS = ['pass', 'fail'] as const;
export type HookAnswer = (typeof HOOK_ANSWERS)[number];

const checkValue = z.union([z.number(), z.enum(CHECK_WORDS)], {
  error: `expected a number or one of ${CHECK_WORDS.join(', ')}`,
});
const hookAnswer = z.enum(HOOK_ANSWERS, { error: `expected ${HOOK_ANSWERS.join(' or ')}` });

/**
 * One value for every interval, a list (the last value stays), or a cycle that repeats. The form is
 * chosen by the input's type, so an error names the value at fault (`checks.x[2]`), not the union.
 */
function seriesOf<T extends z.ZodType>(value: T) {
  const list = z.array(value).min(1, 'give at least one value');
  const cycle = z.strictObject({ cycle: list });
  return z.unknown().transform((input, ctx): Series<z.infer<T>> => {
    const form = Array.isArray(input) ? list : typeof input === 'object' && input !== null ? cycle : value;
    const parsed = form.safeParse(input);
    if (parsed.success) return parsed.data as Series<z.infer<T>>;
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    return z.NEVER;
  });
}

/** `fromWeight` keys: canary weights. */
const byWeight = <T extends z.ZodType>(value: T) =>
  z.record(z.string(), value).superRefine((record, ctx) => {
    for (const key of Object.keys(record)) {
      if (!/^\d+$/.test(key) || Number(key) > 100) ctx.addIssue({ code: 'custom', path: [key], message: `"${key}" is not a canary weight (a whole number, 0-100)` });
    }
  });

const chapter = z.strictObject({
  checks: z.record(z.string().min(1), seriesOf(checkValue)).optional(),
  webhooks: z.record(z.string().min(1), seriesOf(hookAnswer)).optional(),
});

export const storySchema = chapter.extend({
  description: z.string().optional(),
  maxIntervals: z.number().int().min(1).max(10_000).optional(),
  fromWeight: byWeight(chapter).optional(),
});

export type Story = z.infer<typeof storySchema>;
export type Chapter = z.infer<typeof chapter>;
export type Series<T> = T | T[] | { cycle: T[] };
export type CheckValue = z.infer<typeof checkValue>;

/** Intervals played before the simulation gives up on a Canary that neither promotes nor rolls back. */
export const DEFAULT_MAX_INTERVALS = 200;

export const BUILTIN_STORIES = ['healthy', 'faulty-at-30', 'flaky', 'prometheus-down', 'slow-rollout'] as const;

export class StoryError extends Error {
  override readonly name = 'StoryError';
}

/** Parses a story's YAML text; every problem names the field (`checks.request-duration[2]: …`). */
export function parseStory(source: string, text: string): Story {
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw new StoryError(`${source}: not YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = storySchema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const path = issue.path.filter((s): s is PathSegment => typeof s !== 'symbol');
    return `${source}: ${path.length ? formatPath(path) : '(top level)'}: ${issue.message}`;
  });
  throw new StoryError(problems.join('\n'));
}

/** A built-in story by name (shipped in stories/), or a story file. */
export async function loadStory(nameOrFile: string): Promise<{ name: string; story: Story }> {
  const builtin = (BUILTIN_STORIES as readonly string[]).includes(nameOrFile);
  const url = builtin ? new URL(`../../stories/${nameOrFile}.yaml`, import.meta.url) : nameOrFile;
  const text = await readFile(url, 'utf8').catch(() => {
    throw new StoryError(`--story: "${nameOrFile}" is neither a built-in story (${BUILTIN_STORIES.join(', ')}) nor a readable file`);
  });
  return { name: nameOrFile, story: parseStory(builtin ? `story ${nameOrFile}` : nameOrFile, text) };
}
