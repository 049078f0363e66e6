import { readFileSync, realpathSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../util/settings.js';
import { type CliIo, EXIT } from './io.js';
import { registerDemo } from './demo.js';
import { registerMigrate } from './migrate.js';
import { registerRun } from './run.js';
import { registerSimulate } from './simulate.js';
import { registerStatus } from './status.js';
import { registerUi } from './ui.js';
import { registerValidate } from './validate.js';
import { registerVerbs } from './verbs.js';

/** Each command lives in its own module and adds itself to the program. */
export type RegisterCommand = (program: Command, io: CliIo) => void;

const COMMANDS: readonly RegisterCommand[] = [registerStatus, registerVerbs, registerMigrate, registerValidate, registerSimulate, registerRun, registerDemo, registerUi];

/** Read at run time: package.json is outside src/, and the same relative path works from dist/. */
function packageVersion(): string {
  try {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    return (JSON.parse(text) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** `kubectl pennant …` runs bin/kubectl-pennant.js: the help then names the command as it was typed. */
export function programName(argv: readonly string[]): string {
  return basename(argv[1] ?? '').startsWith('kubectl-pennant') ? 'kubectl pennant' : 'pennant';
}

export function buildProgram(io: CliIo, name = 'pennant'): Command {
  const program = new Command(name)
    .description('Progressive delivery for Kubernetes: canary analysis, promotion and rollback, GitOps-native.')
    .version(packageVersion())
    // settings given before .command() are inherited by every subcommand
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout(text), writeErr: (text) => io.stderr(text) })
    .showHelpAfterError(`(run "${name} help" for usage)`)
    .addHelpText('after', EXIT_HELP);
  for (const register of COMMANDS) register(program, io);
  return program;
}

const EXIT_HELP = `
Exit status: 0 ok, 1 failed or refused, 2 usage (a bad flag, a missing argument or file).`;

/**
 * Runs the CLI and returns the exit status instead of exiting, so tests and bin/ decide what to do
 * with it. `overrides` replace the outside world (output, the cluster, the terminal) for tests.
 */
export async function main(argv: readonly string[], overrides: Partial<Omit<CliIo, 'setExitCode'>> = {}): Promise<number> {
  let exitCode: number = EXIT.ok;
  const terminal = overrides.stdout === undefined ? { isTTY: process.stdout.isTTY === true, ...(process.stdout.columns ? { columns: process.stdout.columns } : {}) } : {};
  const io: CliIo = {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    ...terminal,
    ...overrides,
    setExitCode: (code) => {
      exitCode = code;
    },
  };
  try {
    await buildProgram(io, programName(argv)).parseAsync([...argv]);
  } catch (error) {
    // commander has already printed what was wrong with the arguments
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof ConfigError) {
      for (const problem of error.problems) io.stderr(`pennant: ${problem}\n`);
      io.stderr('(run "pennant help" for usage)\n');
      return EXIT.usage;
    }
    io.stderr(`pennant: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }
  return exitCode;
}

function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

// `tsx src/cli/main.ts …` (npm scripts) runs this file directly; bin/pennant.js imports it and calls main().
if (invokedDirectly()) process.exitCode = await main(process.argv);
