import type { Logger } from 'pino';
import { NoWriteBack } from '../gitops/index.js';
import { kubeConfigFrom } from '../kube/kubeconfig.js';
import { RealKube } from '../kube/real.js';
import type { KubeClient } from '../kube/types.js';
import { AlertDispatcher, alertDeliveries, globalNotifierFrom, type Notifier } from '../notify/index.js';
import { createHttpServer, listen } from '../server/http.js';
import type { ObjectReader } from '../workloads/types.js';
import { canaryRef } from './act.js';
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
  const controller: Controller = new Controller({
    kube,
    config,
    logger,
    metrics,
    notifier: alertNotifier({ config, logger, kube, metrics, cache: () => controller.cache }),
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

export interface AlertNotifierDeps {
  config: ControllerConfig;
  logger: Logger;
  kube: KubeClient;
  metrics: ControllerMetrics;
  /** The controller's informer cache (it watches AlertProviders and Secrets); read per alert. */
  cache: () => ObjectReader;
}

/** Alerts: logged, then posted to each Canary's AlertProviders, else to the global notifier of the flags. */
export function alertNotifier(deps: AlertNotifierDeps): Notifier {
  return new AlertDispatcher({
    reader: { get: (type, namespace, name) => deps.cache().get(type, namespace, name) },
    logger: deps.logger,
    global: globalNotifierFrom(deps.config),
    clusterName: deps.config.clusterName,
    allowCrossNamespaceRefs: deps.config.crossNamespaceRefs,
    deliveries: alertDeliveries(deps.metrics.registry),
    recordEvent: (canary, event) => deps.kube.recordEvent({ regarding: canaryRef(canary), ...event }),
  });
}
