import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
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
import { DEFAULT_LEADER_ELECTION, LeaderElector } from './leader-election.js';
import { createLogger } from './logger.js';
import { ControllerMetrics } from './metrics.js';
import { canaryProblems } from './rules.js';

export interface RunningController {
  controller: Controller;
  port: number;
  stop(): Promise<void>;
  /** Resolves once the controller runs (after winning the lease with --leader-elect). */
  started: Promise<void>;
  /** With --leader-elect: resolves (with the reason) if this replica stops leading. */
  lostLeadership?: Promise<string>;
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
    writeBack: new NoWriteBack(),
    rules: canaryProblems,
  });
  const elector = config.leaderElect ? leaderElector(kube, config) : undefined;
  // A standby is healthy and ready: it has nothing to serve until it leads.
  const server = createHttpServer({ registry: metrics.registry, ready: () => (elector && !elector.isLeader ? true : controller.ready) });
  const port = await listen(server, config.port);
  logger.info({ port }, 'serving /healthz, /readyz and /metrics');
  const stop = async () => {
    await controller.stop();
    await elector?.release().catch((err: unknown) => logger.warn({ err: String(err) }, 'could not release the leader lease'));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  let onLost: (reason: string) => void = () => undefined;
  const lostLeadership = new Promise<string>((resolve) => (onLost = resolve));
  const started = (async () => {
    if (elector) {
      logger.info({ identity: elector.identity, lease: `${elector.namespace}/${LEASE_NAME}` }, 'waiting to lead');
      await elector.acquire(onLost);
      logger.info({ identity: elector.identity }, 'leading');
    }
    await controller.start();
  })();
  return { controller, port, stop, started, ...(elector ? { lostLeadership } : {}) };
}

export const LEASE_NAME = 'pennant-leader';
const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

function leaderElector(kube: KubeClient, config: ControllerConfig): LeaderElector & { namespace: string; identity: string } {
  const namespace = config.leaderElectionNamespace ?? podNamespace() ?? 'pennant-system';
  const identity = config.identity ?? `${hostname()}-${process.pid}`;
  return Object.assign(new LeaderElector(kube, { ...DEFAULT_LEADER_ELECTION, namespace, name: LEASE_NAME, identity }), { namespace, identity });
}

function podNamespace(): string | undefined {
  try {
    return readFileSync(SERVICE_ACCOUNT_NAMESPACE, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
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
