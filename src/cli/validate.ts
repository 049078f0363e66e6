import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { DEFAULT_PROVIDER, type Provider, SUPPORTED_PROVIDERS } from '../api/index.js';
import { oneOf } from '../util/setting-values.js';
import { parseSettings, type Setting, settingsShape } from '../util/settings.js';
import { type CliIo, EXIT, UsageError } from './io.js';
import { addSettings } from './options.js';
import { exitCodeFor, formatJson, formatText, summarize, validateYamlText } from './validate-report.js';

export const OUTPUT_FORMATS = ['text', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const VALIDATE_SETTINGS = {
  output: { value: 'format', short: '-o', help: 'output format: text or json (default text)', schema: oneOf(OUTPUT_FORMATS).default('text') },
  provider: {
    value: 'name',
    help: `provider of a Canary that sets none, as the controller's --provider: ${SUPPORTED_PROVIDERS.join(', ')} (default ${DEFAULT_PROVIDER})`,
    schema: oneOf(SUPPORTED_PROVIDERS).default(DEFAULT_PROVIDER),
  },
} satisfies Record<string, Setting>;

const validateConfig = z.object(settingsShape(VALIDATE_SETTINGS));

const EXAMPLES = `
Examples:
  $ pennant validate deploy/ apps/podinfo.yaml
  $ pennant validate --provider istio -o json canary.yaml   # as the controller's --provider would route it`;

export function registerValidate(program: Command, io: CliIo): void {
  const command = program
    .command('validate')
    .description('check Canary, MetricTemplate and AlertProvider manifests before they reach a cluster')
    .argument('<paths...>', 'YAML files, or directories searched recursively for *.yaml and *.yml');
  addSettings(command, VALIDATE_SETTINGS).addHelpText('after', EXAMPLES).action(async (paths: string[], flags: Record<string, unknown>) => {
    const { output, provider } = parseSettings(VALIDATE_SETTINGS, validateConfig, flags, {});
    io.setExitCode(await runValidate(paths, output, io, provider));
  });
}

/** Reads the files, prints the report, and returns the exit status (0 valid, 1 invalid, 2 usage). */
export async function runValidate(
  paths: readonly string[],
  output: OutputFormat,
  io: CliIo,
  defaultProvider: Provider = DEFAULT_PROVIDER,
): Promise<number> {
  const files = await yamlFilesOrSay(paths, 'validate', io);
  if (!files) return EXIT.usage;
  const reports = await Promise.all(files.map(async (file) => validateYamlText(file, await readFile(file, 'utf8'), { defaultProvider })));
  io.stdout(output === 'json' ? formatJson(reports) : formatText(reports));
  return exitCodeFor(summarize(reports));
}

/** The YAML files of `paths`; undefined once a missing path has been named on stderr (a usage error). */
export async function yamlFilesOrSay(paths: readonly string[], command: string, io: CliIo): Promise<string[] | undefined> {
  try {
    return await collectYamlFiles(paths);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`pennant ${command}: ${error.message}\n`);
    return undefined;
  }
}

const YAML_FILE = /\.ya?ml$/i;

/** Files named on the command line are read whatever their extension; directories yield *.yaml and *.yml. */
export async function collectYamlFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (info === undefined) throw new UsageError(`no such file or directory: ${path}`);
    if (!info.isDirectory()) files.push(path);
    else {
      const found = await walk(path);
      if (found.length === 0) throw new UsageError(`no *.yaml or *.yml files in ${path}`);
      files.push(...found);
    }
  }
  return [...new Set(files)];
}

/** Sorted, so output is the same on every machine; hidden directories and node_modules are not manifests. */
async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!entry.name.startsWith('.') && entry.name !== 'node_modules') files.push(...(await walk(path)));
    } else if (YAML_FILE.test(entry.name)) files.push(path);
  }
  return files;
}
