import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../util/settings.js';
import { registerGenCrds } from './gen-crds.js';
import { type CliIo, EXIT } from './io.js';
import { registerDemo } from './demo.js';
import { registerRun } from './run.js';
import { registerValidate } from './validate.js';

/** Each command lives in its own module and adds itself to the program. */
export type RegisterCommand = (program: Command, io: CliIo) => void;

const COMMANDS: readonly RegisterCommand[] = [registerRun, registerDemo, registerValidate, registerGenCrds];

/** Read at run time: package.json is outside src/, and the same relative path works from dist/. */
function packageVersion(): string {
  try {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    return (JSON.parse(text) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export function buildProgram(io: CliIo): Command {
  const program = new Command('pennant')
    .description('Progressive delivery for Kubernetes: canary analysis, promotion and rollback, GitOps-native.')
    .version(packageVersion())
    // settings given before .command() are inherited by every subcommand
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout(text), writeErr: (text) => io.stderr(text) })
    .showHelpAfterError('(run "pennant help" for usage)');
  for (const register of COMMANDS) register(program, io);
  return program;
}

/** Runs the CLI and returns the exit status instead of exiting, so tests and bin/ decide what to do with it. */
export async function main(argv: readonly string[], output?: Pick<CliIo, 'stdout' | 'stderr'>): Promise<number> {
  let exitCode: number = EXIT.ok;
  const io: CliIo = {
    stdout: output?.stdout ?? ((text) => void process.stdout.write(text)),
    stderr: output?.stderr ?? ((text) => void process.stderr.write(text)),
    setExitCode: (code) => {
      exitCode = code;
    },
  };
  try {
    await buildProgram(io).parseAsync([...argv]);
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
