import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { z } from 'zod';
import { DEFAULT_PROVIDER, type Provider } from '../api/index.js';
import { onOff } from '../util/setting-values.js';
import { parseSettings, type Setting, settingsShape } from '../util/settings.js';
import { type CliIo, EXIT } from './io.js';
import { type Migration, migrateText } from './migrate-yaml.js';
import { addSettings } from './options.js';
import { VALIDATE_SETTINGS, yamlFilesOrSay } from './validate.js';
import { type FileReport, validateYamlText } from './validate-report.js';

export const MIGRATE_SETTINGS = {
  write: { help: 'rewrite the files in place (default: print the result on stdout)', schema: onOff().optional() },
  provider: VALIDATE_SETTINGS.provider,
} satisfies Record<string, Setting>;

const migrateConfig = z.object(settingsShape(MIGRATE_SETTINGS));

const EXAMPLES = `
Examples:
  $ pennant migrate apps/podinfo/canary.yaml > canary.pennant.yaml
  $ pennant migrate --write deploy/          # every *.yaml and *.yml below deploy/, in place

Flagger's Canary, MetricTemplate and AlertProvider (flagger.app/v1beta1, v1alpha*) become
pennant.dev/v1beta1; only the apiVersion line changes (and v1alpha's spec.canaryAnalysis key is
renamed spec.analysis): comments and formatting stay. What Pennant refuses (a provider, a target
kind, a metric provider it does not support…) is reported as pennant validate and the controller
say it, and the exit status is then 1.`;

export function registerMigrate(program: Command, io: CliIo): void {
  const command = program
    .command('migrate')
    .description('rewrite Flagger manifests to pennant.dev/v1beta1, keeping comments and formatting; report what cannot be mapped')
    .argument('<paths...>', 'YAML files, or directories searched recursively for *.yaml and *.yml');
  addSettings(command, MIGRATE_SETTINGS)
    .addHelpText('after', EXAMPLES)
    .action(async (paths: string[], flags: Record<string, unknown>) => {
      const { write, provider } = parseSettings(MIGRATE_SETTINGS, migrateConfig, flags, {});
      io.setExitCode(await runMigrate(paths, { write: write === true, provider }, io));
    });
}

interface MigrateOptions {
  write: boolean;
  provider?: Provider;
}

interface MigratedFile {
  file: string;
  original: string;
  migration: Migration;
  report: FileReport;
}

/** Migrates every file, writes or prints the result, reports on stderr; the exit status (0, 1, 2). */
export async function runMigrate(paths: readonly string[], options: MigrateOptions, io: CliIo): Promise<number> {
  const files = await yamlFilesOrSay(paths, 'migrate', io);
  if (!files) return EXIT.usage;
  const migrated: MigratedFile[] = [];
  for (const file of files) {
    const original = await readFile(file, 'utf8');
    const migration = migrateText(original);
    migrated.push({ file, original, migration, report: validateYamlText(file, migration.text, { defaultProvider: options.provider ?? DEFAULT_PROVIDER }) });
  }
  if (options.write) {
    for (const m of migrated) if (m.migration.text !== m.original) await writeFile(m.file, m.migration.text, 'utf8');
  } else {
    io.stdout(migrated.length === 1 ? (migrated[0]?.migration.text ?? '') : migrated.map((m) => `---\n# Source: ${m.file}\n${m.migration.text}`).join(''));
  }
  const problems = migrated.reduce((sum, m) => sum + reportFile(m, io), 0);
  io.stderr(`${summary(migrated, options.write)}${problems ? `, ${problems} could not be mapped` : ''}\n`);
  return problems ? EXIT.failed : EXIT.ok;
}

/** Errors (what Pennant refuses), warnings and notes, in pennant validate's `file:line:col: field: message` form. */
function reportFile(m: MigratedFile, io: CliIo): number {
  let errors = 0;
  for (const doc of m.report.documents) {
    for (const issue of doc.issues) {
      if (issue.severity === 'skip') continue;
      if (issue.severity === 'error') errors++;
      io.stderr(`${m.file}:${issue.line}:${issue.col}: ${issue.severity === 'warning' ? 'warning: ' : ''}${issue.field}: ${issue.message}\n  hint: ${issue.hint}\n`);
    }
  }
  for (const change of m.migration.changes) {
    for (const note of change.notes) io.stderr(`${m.file}:${change.line}:1: note: ${note}\n`);
  }
  for (const doc of m.migration.unknown) {
    errors++;
    io.stderr(`${m.file}: document ${doc.index + 1}: ${doc.kind} of flagger.app has no Pennant kind: left as it is\n`);
  }
  return errors;
}

function summary(migrated: readonly MigratedFile[], written: boolean): string {
  const documents = migrated.reduce((sum, m) => sum + m.migration.changes.length, 0);
  const changed = migrated.filter((m) => m.migration.text !== m.original).length;
  const verb = written ? 'rewrote' : 'migrated';
  return `${verb} ${documents} ${documents === 1 ? 'document' : 'documents'} in ${changed} of ${migrated.length} ${migrated.length === 1 ? 'file' : 'files'}`;
}
