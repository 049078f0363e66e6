import type { Logger } from 'pino';
import { NoWriteBack } from '../gitops/index.js';
import { kubeConfigFrom } from '../kube/kubeconfig.js';
import { RealKube } from '../kube/real.js';
import { LogNotifier } from '../notify/index.js';
import { createHttpServer, listen } from '../server/http.js';
import type { ControllerConfig } from './config.js';
import { Controller } from './controller.js';
import { createLogger } from './logger.js';
import { ControllerMetrics } from './metrics.js';
import { canaryProblems } from './rules.js';

export interface RunningController {
  controller: Controller;
  port: number;
  stop(): Promise<void>;
}

/** `pennant run`: the controller against a real cluster, until stop() (or SIGTERM in the CLI). */
export async function startController(config: ControllerConfig, version: string, logger: Logger = createLogger(config.logLevel)): Promise<RunningController> {
  const kube = new RealKube(kubeConfigFrom({ ...(config.kubeconfig ? { kubeconfig: config.kubeconfig } : {}), ...(config.context ? { context: config.context } : {}) }));
  const metrics = new ControllerMetrics();
  metrics.info.set({ version, provider: config.provider }, 1);
  const controller = new Controller({
    kube,
    config,
    logger,
    metrics,
    notifier: new LogNotifier(logger),
    writeBack: new NoWriteBack(logger),
    rules: canaryProblems,
  });
  const server = createHttpServer({ registry: metrics.registry, ready: () => controller.ready });
  const port = await listen(server, config.port);
  logger.info({ port }, 'serving /healthz, /readyz and /metrics');
  await controller.start();
  return {
    controller,
    port,
    stop: async () => {
      await controller.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
