import type { Logger } from 'pino';
import { NoWriteBack } from '../gitops/index.js';
import { kubeConfigFrom } from '../kube/kubeconfig.js';
import { RealKube } from '../kube/real.js';
import type { KubeClient, ResourceType } from '../kube/types.js';
import { LogNotifier } from '../notify/index.js';
import { createHttpServer, listen } from '../server/http.js';
import type { ControllerConfig } from './config.js';
import { Controller } from './controller.js';
import { createLogger } from './logger.js';
import { ControllerMetrics } from './metrics.js';
import { canaryProblems } from './rules.js';

/** APIs watched only when the cluster serves them (router providers' objects). */
const OPTIONAL_TYPES: ResourceType[] = [
  { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute' },
  { apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'HTTPRoute' },
];

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
    optionalTypes: await servedTypes(kube, OPTIONAL_TYPES, config.namespace),
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

async function servedTypes(kube: KubeClient, types: ResourceType[], namespace: string | undefined): Promise<ResourceType[]> {
  const served: ResourceType[] = [];
  for (const type of types) {
    try {
      await kube.list(type, namespace ? { namespace } : {});
      served.push(type);
    } catch {
      // not served by this cluster: Canaries using that provider report it in their Ready condition
    }
  }
  return served;
}
