import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { type Canary, canary as canarySchema, type Provider } from '../api/index.js';
import { ANY_CHECK, StoryPlayer } from '../simulate/player.js';
import type { Story } from '../simulate/story.js';
import { checksOf } from '../simulate/story-world.js';
import type { KubeObject } from '../kube/types.js';
import { UsageError } from './io.js';
import { migrateText } from './migrate-yaml.js';
import { formatText, validateYamlText } from './validate-report.js';

export interface CanaryInput {
  manifest: KubeObject;
  canary: Canary;
  /** Said on stderr: a Flagger manifest read as Pennant's. */
  notes: string[];
}

/**
 * The one Canary of a file, as the controller would take it: a Flagger manifest is read as its
 * `pennant migrate` output, and a Canary that `pennant validate` refuses is a usage error (exit 2)
 * with validate's report.
 */
export async function readCanary(file: string, defaultProvider: Provider): Promise<CanaryInput> {
  const original = await readFile(file, 'utf8').catch(() => {
    throw new UsageError(`cannot read ${file}`);
  });
  const migration = migrateText(original);
  const notes = migration.changes
    .filter((c) => c.kind === 'Canary')
    .map((c) => `${file}:${c.line}: a Flagger Canary (${c.from}): simulated as pennant.dev/v1beta1 ("pennant migrate ${file}" rewrites it)`);
  const report = validateYamlText(file, migration.text, { defaultProvider });
  const canaries = report.documents.filter((d) => d.kind === 'Canary');
  if (canaries.length !== 1) throw new UsageError(`${file}: ${canaries.length === 0 ? 'no Canary' : `${canaries.length} Canaries`} in the file; simulate takes one`);
  if (canaries.some((d) => d.status !== 'valid')) throw new UsageError(`${file}: the Canary is not valid:\n${formatText([{ file, documents: canaries }]).trimEnd()}`);
  const docs = parseAllDocuments(migration.text, { merge: true });
  const values = (Array.isArray(docs) ? docs : []).map((d) => d.toJS({ maxAliasCount: 1000 }) as unknown);
  const manifest = values.find((v): v is KubeObject => typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'Canary');
  if (!manifest) throw new UsageError(`${file}: no Canary in the file`);
  manifest.metadata = { ...manifest.metadata, namespace: manifest.metadata.namespace ?? 'default' };
  return { manifest, canary: canarySchema.parse(manifest), notes };
}

/** A story must give every metric check a value and may only name the Canary's checks and webhooks. */
export function storyProblems(story: Story, canary: Canary, storyName: string): string[] {
  const player = new StoryPlayer(story);
  const checks = checksOf(canary).map((c) => c.name);
  const hooks = (canary.spec.analysis.webhooks ?? []).map((h) => h.name);
  const problems = checks
    .filter((name) => !player.knowsCheck(name))
    .map((name) => `story ${storyName}: no values for the check "${name}": add checks.${name} (or checks."${ANY_CHECK}")`);
  const chapters = [story, ...Object.values(story.fromWeight ?? {})];
  const named = (pick: (c: typeof story) => Record<string, unknown> | undefined) => [...new Set(chapters.flatMap((c) => Object.keys(pick(c) ?? {})))];
  for (const name of named((c) => c.checks).filter((n) => n !== ANY_CHECK && !checks.includes(n))) {
    problems.push(`story ${storyName}: checks.${name}: the Canary has no such metric check (it has: ${checks.join(', ') || 'none'})`);
  }
  for (const name of named((c) => c.webhooks).filter((n) => !hooks.includes(n))) {
    problems.push(`story ${storyName}: webhooks.${name}: the Canary has no such webhook (it has: ${hooks.join(', ') || 'none'})`);
  }
  return problems;
}
