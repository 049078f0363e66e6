import type { Command } from 'commander';
import { z } from 'zod';
import { duration } from '../util/setting-values.js';
import { parseSettings, type Setting, settingsShape } from '../util/settings.js';
import { type CliIo, EXIT } from './io.js';
import { addSettings } from './options.js';
import { progressFor } from './progress.js';

/** The demo runs about ten intervals: past 10s it is no demo, below 100ms the timers are all it measures. */
export const DEMO_SETTINGS = {
  interval: { value: 'duration', help: 'analysis interval, 100ms to 10s (default 1s)', schema: duration({ minMs: 100, maxMs: 10_000 }).default('1s') },
} satisfies Record<string, Setting>;

const demoConfig = z.object(settingsShape(DEMO_SETTINGS));

const EXAMPLES = `
Example:
  $ pennant demo --interval 500ms`;

export function registerDemo(program: Command, io: CliIo): void {
  const command = program
    .command('demo')
    .description('Run a canary release and a rollback offline: in-memory cluster, no Kubernetes needed');
  addSettings(command, DEMO_SETTINGS).addHelpText('after', EXAMPLES).action(async (flags: Record<string, unknown>) => {
    const { interval } = parseSettings(DEMO_SETTINGS, demoConfig, flags, {});
    // Loaded when the command runs, as `pennant run` loads the controller.
    const { runDemo } = await import('../demo/demo.js');
    const progress = progressFor(io);
    const outcome = await runDemo({ interval, print: (line) => progress.line(line), progress: (text) => progress.status(text) }).finally(() => progress.done());
    io.setExitCode(outcome.promoted && outcome.rolledBack ? EXIT.ok : EXIT.failed);
  });
}
