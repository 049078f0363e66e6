import type { Command } from 'commander';
import { parseControllerConfig } from '../controller/config.js';
import { createLogger } from '../controller/logger.js';
import { startController } from '../controller/run.js';
import type { CliIo } from './io.js';
import { EXIT } from './io.js';

export function registerRun(program: Command, io: CliIo): void {
  program
    .command('run')
    .description('Run the controller against a cluster (kubeconfig, or in-cluster when run in a pod)')
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG, in-cluster, ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context')
    .option('--namespace <name>', 'watch only this namespace (default: all)')
    .option('--metrics-server <url>', 'Prometheus for the builtin metrics (default http://prometheus:9090)')
    .option('--provider <name>', 'traffic provider when a Canary sets none (default kubernetes)')
    .option('--max-concurrent-analyses <n>', 'analyses that may run at once; the rest queue (0: no limit)')
    .option('--workers <n>', 'Canaries reconciled in parallel (default 4)')
    .option('--port <n>', 'port of /healthz, /readyz and /metrics (default 8080)')
    .option('--log-level <level>', 'trace, debug, info, warn or error (default info)')
    .option('--cluster-name <name>', 'cluster name shown in alerts')
    .option('--slack-url <url>', 'Slack webhook for Canaries without analysis.alerts (prefer $PENNANT_SLACK_URL: flags show in ps)')
    .option('--slack-channel <name>', 'channel of --slack-url (default general)')
    .option('--slack-user <name>', 'username of --slack-url (default pennant)')
    .option('--msteams-url <url>', 'Teams webhook for Canaries without analysis.alerts; wins over --slack-url (prefer $PENNANT_MSTEAMS_URL)')
    .option('--leader-elect', 'run several replicas: only the holder of the Lease acts')
    .option('--leader-election-namespace <name>', 'namespace of the Lease (default: the pod\'s, else pennant-system)')
    .option('--identity <name>', 'this replica in the Lease (default: $POD_NAME, else host and pid)')
    .option('--gitops-cache-dir <path>', 'working copies of GitSources (default: $TMPDIR/pennant-git)')
    .option('--include-label-prefix <prefixes>', 'comma-separated prefixes of the target\'s labels and annotations copied to <target>-primary; * for all (default: none)')
    .option('--ingress-class <name>', 'contour: the ingress class of the generated HTTPProxies (spec.ingressClassName)')
    .option('--gitops-allow-controller-identity', 'let a GitSource without serviceAccountName apply as the controller (default: refused)')
    .action(async (flags: Record<string, unknown>) => {
      const config = parseControllerConfig(flags, process.env);
      const logger = createLogger(config.logLevel);
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
