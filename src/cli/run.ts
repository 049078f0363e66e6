import type { Command } from 'commander';
import { parseControllerConfig, RUN_SETTINGS } from '../controller/config.js';
import { createLogger } from '../controller/logger.js';
import type { CliIo } from './io.js';
import { EXIT } from './io.js';
import { addSettings } from './options.js';

const EXAMPLES = `
Examples:
  $ pennant run --kubeconfig ~/.kube/config --provider gatewayapi:v1
  $ PENNANT_MAX_CONCURRENT_ANALYSES=2 pennant run --leader-elect   # in a pod: in-cluster credentials

Serves /healthz, /readyz, /metrics and the read-only web view at /ui on --port (pennant ui has the same view).`;

export function registerRun(program: Command, io: CliIo): void {
  const command = program
    .command('run')
    .description('Run the controller against a cluster (kubeconfig, or in-cluster when run in a pod)');
  addSettings(command, RUN_SETTINGS)
    .addHelpText('after', EXAMPLES)
    .action(async (flags: Record<string, unknown>) => {
      const config = parseControllerConfig(flags, process.env);
      const logger = createLogger(config.logLevel);
      // Loaded when the command runs: `pennant --help` and the other commands skip the controller's modules.
      const { startController } = await import('../controller/run.js');
      // git runs with PATH, HOME and proxy settings from here (src/gitops/git.ts picks those few).
      const running = await startController(config, program.version() ?? '0.0.0', logger, process.env);
      const ending = await new Promise<'signal' | 'lost' | 'failed'>((resolve) => {
        process.once('SIGTERM', () => resolve('signal'));
        process.once('SIGINT', () => resolve('signal'));
        void running.lostLeadership?.then((reason) => {
          // Another replica may lead already: stop acting at once, and let Kubernetes restart us.
          logger.error({ reason }, 'lost the leader lease; stopping');
          resolve('lost');
        });
        running.started.catch((err: unknown) => {
          logger.error({ err: err instanceof Error ? err.message : String(err) }, 'the controller could not start');
          resolve('failed');
        });
      });
      logger.info({ reason: ending }, 'shutting down');
      await running.stop().catch((err: unknown) => logger.error({ err: String(err) }, 'shutdown failed'));
      io.setExitCode(ending === 'signal' ? EXIT.ok : EXIT.failed);
    });
}
