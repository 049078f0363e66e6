import type { Command } from 'commander';
import { z } from 'zod';
import { type Provider, SUPPORTED_PROVIDERS } from '../api/index.js';
import { formatEntry, formatHeader, formatOutcome, type SimulationHeader, simulatedTime, simulationJson } from '../simulate/format.js';
import { simulate, type Simulation, SimulationError } from '../simulate/simulate.js';
import { BUILTIN_STORIES, loadStory, StoryError } from '../simulate/story.js';
import type { TimelineEntry } from '../simulate/timeline.js';
import { oneOf, text } from '../util/setting-values.js';
import { parseSettings, type Setting, settingsShape } from '../util/settings.js';
import { type CliIo, EXIT, UsageError } from './io.js';
import { addSettings } from './options.js';
import { progressFor } from './progress.js';
import { readCanary, storyProblems } from './simulate-input.js';
import { OUTPUT_FORMATS } from './validate.js';

/** Flagger's own default mesh provider: a Canary that sets none is simulated with weighted steps. */
export const SIMULATE_DEFAULT_PROVIDER: Provider = 'istio';

export const SIMULATE_SETTINGS = {
  story: { value: 'name|file', help: `metric story: ${BUILTIN_STORIES.join(', ')}, or a story file (default healthy)`, schema: text().default('healthy') },
  output: { value: 'format', short: '-o', help: 'output format: text or json (default text)', schema: oneOf(OUTPUT_FORMATS).default('text') },
  provider: {
    value: 'name',
    help: `traffic provider of a Canary that sets none: ${SUPPORTED_PROVIDERS.join(', ')} (default ${SIMULATE_DEFAULT_PROVIDER})`,
    schema: oneOf(SUPPORTED_PROVIDERS).default(SIMULATE_DEFAULT_PROVIDER),
  },
} satisfies Record<string, Setting>;

const simulateConfig = z.object(settingsShape(SIMULATE_SETTINGS));

const EXAMPLES = `
Examples:
  $ pennant simulate apps/podinfo/canary.yaml                        # the healthy story: promoted?
  $ pennant simulate canary.yaml --story faulty-at-30 -o json        # rolled back, and when?
  $ pennant simulate canary.yaml --story my-story.yaml

The real controller and engine run on an in-memory cluster with a simulated clock (no waiting);
a story says what each check measures and each webhook answers at each interval (README:
"Simulate before you merge"). Exit status: 0 promoted, 1 rolled back or unfinished, 2 bad input.`;

export function registerSimulate(program: Command, io: CliIo): void {
  const command = program
    .command('simulate')
    .description('play a metric story to a Canary offline: its timeline of weights, checks and phases up to promotion or rollback')
    .argument('<canary.yaml>', 'a file with one Canary (pennant.dev or flagger.app)');
  addSettings(command, SIMULATE_SETTINGS).addHelpText('after', EXAMPLES).action(async (file: string, flags: Record<string, unknown>) => {
    const { story, output, provider } = parseSettings(SIMULATE_SETTINGS, simulateConfig, flags, {});
    io.setExitCode(await runSimulate(file, { story, output, provider }, io));
  });
}

interface SimulateFlags {
  story: string;
  output: 'text' | 'json';
  provider: Provider;
}

/** Simulates, prints the timeline as it happens (text) or at the end (json); the exit status. */
export async function runSimulate(file: string, flags: SimulateFlags, io: CliIo): Promise<number> {
  const prepared = await prepare(file, flags, io);
  if (!prepared) return EXIT.usage;
  const { input, header } = prepared;
  const progress = progressFor(io);
  const text = flags.output === 'text';
  if (text) progress.line(formatHeader(header));
  const onEntry = (entry: TimelineEntry) => {
    if (text) progress.line(formatEntry(entry));
    progress.status(`simulating: ${simulatedTime(entry.seconds)} ${entry.phase}, weight ${entry.weight}%, ${entry.failedChecks} failed checks`);
  };
  let result: Simulation;
  try {
    result = await simulate({ ...input, provider: flags.provider, onEntry });
  } catch (error) {
    if (!(error instanceof SimulationError)) throw error;
    io.stderr(`pennant simulate: ${file}: ${error.message}\n`);
    return EXIT.usage;
  } finally {
    progress.done();
  }
  io.stdout(text ? `\n${formatOutcome(result)}\n` : simulationJson(header, result));
  return result.outcome === 'Succeeded' ? EXIT.ok : EXIT.failed;
}

async function prepare(file: string, flags: SimulateFlags, io: CliIo) {
  try {
    const { manifest, canary, notes } = await readCanary(file, flags.provider);
    const { story } = await loadStory(flags.story);
    const problems = storyProblems(story, canary, flags.story);
    if (problems.length) throw new StoryError(problems.join('\n'));
    for (const note of notes) io.stderr(`pennant simulate: ${note}\n`);
    const header: SimulationHeader = {
      namespace: canary.metadata.namespace ?? 'default',
      name: canary.metadata.name ?? '',
      story: flags.story,
      ...(story.description !== undefined && { description: story.description }),
      provider: canary.spec.provider ?? flags.provider,
      interval: canary.spec.analysis.interval ?? '1m',
      threshold: canary.spec.analysis.threshold ?? 1,
    };
    return { input: { manifest, canary, story }, header };
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof StoryError)) throw error;
    for (const line of error.message.split('\n')) io.stderr(`pennant simulate: ${line}\n`);
    return undefined;
  }
}
