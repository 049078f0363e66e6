import type { Command } from 'commander';
import { runDemo } from '../demo/demo.js';
import { type CliIo, EXIT } from './io.js';

export function registerDemo(program: Command, io: CliIo): void {
  program
    .command('demo')
    .description('Run a canary release and a rollback offline: in-memory cluster, no Kubernetes needed')
    .option('--interval <duration>', 'analysis interval', '1s')
    .action(async (flags: { interval: string }) => {
      const outcome = await runDemo({ interval: flags.interval, print: (line) => io.stdout(`${line}\n`) });
      io.setExitCode(outcome.promoted && outcome.rolledBack ? EXIT.ok : EXIT.failed);
    });
}
