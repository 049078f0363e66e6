import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import {
  type ClientFor, GIT_SOURCE, GitClient, GitOpsMetrics, GitSourceController, GitWriteBack, PUSH_PATH_PREFIX, pushReceiver, secretData,
  serviceAccountUser, type SharedCache,
} from '../gitops/index.js';
import { explainKubeFailure } from '../kube/failure-hint.js';
import { kubeConfigFrom } from '../kube/kubeconfig.js';
import { RealKube } from '../kube/real.js';
import type { KubeClient, ResourceType } from '../kube/types.js';
import { AlertDispatcher, alertDeliveries, alertDeliveryRetries, globalNotifierFrom, type Notifier } from '../notify/index.js';
import { createHttpServer, listen } from '../server/http.js';
import { webView } from '../ui/index.js';
import { canaryRef } from './act.js';
import { checkApiServer, DEFAULT_API_CHECK } from './api-check.js';
import { ClusterCache, NO_POLICY, typeKey } from './cluster-cache.js';
import { leaseName, shardSelector } from './shard.js';
import type { ControllerConfig } from './config.js';
import { Controller } from './controller.js';
import { DEFAULT_LEADER_ELECTION, LeaderElectionStopped, LeaderElector } from './leader-election.js';
import { createLogger } from './logger.js';
import { ControllerMetrics } from './metrics.js';
import { CANARY } from './reconciler.js';
import { canaryProblems } from './rules.js';
import { Scheduler } from './scheduler.js';
import { WorkQueue } from './work-queue.js';

export interface RunningController {
  controller: Controller;
  gitSources: GitSourceController;
  port: number;
  stop(): Promise<void>;
  /** Resolves once the controller runs (after winning the lease with --leader-elect). */
  started: Promise<void>;
  /** With --leader-elect: resolves (with the reason) if this replica stops leading. */
  lostLeadership?: Promise<string>;
}

/** `pennant run`: the controller against a real cluster, until stop() (or SIGTERM in the CLI). */
export async function startController(
  config: ControllerConfig,
  version: string,
  logger: Logger = createLogger(config.logLevel),
  /** The process environment, for git (PATH, HOME, proxies); config.ts has already read Pennant's own variables. */
  env: Record<string, string | undefined> = {},
): Promise<RunningController> {
  const connection = {
    ...(config.kubeconfig ? { kubeconfig: config.kubeconfig } : {}),
    ...(config.context ? { context: config.context } : {}),
    ...(env.KUBERNETES_SERVICE_HOST ? { inCluster: { host: env.KUBERNETES_SERVICE_HOST, port: env.KUBERNETES_SERVICE_PORT ?? '443' } } : {}),
  };
  // Informers retry a failed watch for good (a restarting API server comes back); each retry is logged with its reason.
  const onWatchRestart = (type: ResourceType, err: unknown, retryInMs: number) =>
    logger.warn({ kind: type.kind, apiVersion: type.apiVersion, retryInMs, err: explainKubeFailure(err) }, 'watch failed; retrying');
  const kube = new RealKube(kubeConfigFrom(connection), { onWatchRestart });
  const metrics = new ControllerMetrics().withProcessMetrics();
  metrics.info.set({ version, provider: config.provider }, 1);
  const clientFor = impersonatingClients(kube, (user) => new RealKube(kubeConfigFrom({ ...connection, impersonate: { user } })));
  const gitOps = gitOpsFor({ config, kube, clientFor, logger, metrics, env, cache: () => controller.cache });
  const controller: Controller = new Controller({
    kube,
    config,
    logger,
    metrics,
    notifier: alertNotifier({ config, logger, kube, metrics, cache: () => controller.cache }),
    writeBack: gitOps.writeBack,
    rules: canaryProblems,
  });
  const elector = config.leaderElect ? leaderElector(kube, config) : undefined;
  // A standby is healthy and ready: it has nothing to serve until it leads.
  const ready = () => (elector && !elector.isLeader ? true : controller.ready && gitOps.controller.ready);
  // The web view, read-only, from the same informer cache (pennant ui --allow-actions has the buttons);
  // a standby replica has no cache yet, and its page says so.
  const ui = webView({ canaries: { list: () => controller.cache.list(CANARY), onChange: (handler) => controller.cache.onChange(CANARY, handler) }, kube, ...(config.namespace ? { namespace: config.namespace } : {}), ready: () => controller.ready });
  const server = createHttpServer({ registry: metrics.registry, ready }, { ...gitOps.routes, ...ui.routes });
  const port = await listen(server, config.port);
  logger.info({ port }, `serving /healthz, /readyz, /metrics, the web view at ${ui.path} and POST ${PUSH_PATH_PREFIX}<namespace>/<name>`);
  // SIGTERM may come at any point of the start below (a rollout replaces a pod that is still starting):
  // stop() waits for the step in flight, the steps after it never run, and what did start is stopped.
  let stopping = false;
  let onLost: (reason: string) => void = () => undefined;
  const lostLeadership = new Promise<string>((resolve) => (onLost = resolve));
  const started = (async () => {
    await checkApiServer(kube, {
      ...DEFAULT_API_CHECK,
      namespace: config.namespace,
      onRetry: (retry) => logger.warn(retry, 'cannot use the API server yet; retrying'),
    });
    if (elector && !stopping) {
      logger.info({ identity: elector.identity, lease: `${elector.namespace}/${elector.name}` }, 'waiting to lead');
      try {
        await elector.acquire(onLost);
      } catch (err) {
        if (err instanceof LeaderElectionStopped) return;
        throw err;
      }
      logger.info({ identity: elector.identity }, 'leading');
    }
    // GitSources first: a write-back asked for by the first Canary reconciles must find them.
    if (!stopping) await gitOps.controller.start();
    if (!stopping) await controller.start();
    if (!stopping) ui.hub.start();
  })();
  const stop = async () => {
    stopping = true;
    // A standby stops waiting for the lease now; a leader keeps it until the parts below have stopped.
    if (elector && !elector.isLeader) await elector.release();
    await started.catch(() => undefined);
    ui.hub.stop();
    await gitOps.controller.stop();
    await controller.stop();
    await elector?.release().catch((err: unknown) => logger.warn({ err: String(err) }, 'could not release the leader lease'));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { controller, gitSources: gitOps.controller, port, stop, started, ...(elector ? { lostLeadership } : {}) };
}

/**
 * A GitSource's client: the controller's own for `controller`, else one impersonating the
 * ServiceAccount (made once per account; the API server adds the account's groups itself).
 */
export function impersonatingClients(controller: KubeClient, as: (user: string) => KubeClient): ClientFor {
  const clients = new Map<string, KubeClient>();
  return (who) => {
    if (who.kind === 'controller') return controller;
    const user = serviceAccountUser(who.namespace, who.name);
    const client = clients.get(user) ?? as(user);
    clients.set(user, client);
    return client;
  };
}

export interface GitOpsDeps {
  config: ControllerConfig;
  /** The controller's own identity: GitSource status and Events. */
  kube: KubeClient;
  /** Clients acting as a GitSource's ServiceAccount (impersonation). */
  clientFor: ClientFor;
  logger: Logger;
  metrics: ControllerMetrics;
  env: Record<string, string | undefined>;
  /** The Canary controller's informer cache (Secrets, Canaries, Deployments, ConfigMaps); read lazily. */
  cache: () => ClusterCache;
}

/**
 * GitSource sync, write-back and the push receiver, sharing the Canary controller's caches. The
 * GitSources get their own informer, queue and timer heap; they run on the leader only.
 */
export function gitOpsFor(deps: GitOpsDeps): { controller: GitSourceController; writeBack: GitWriteBack; routes: Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>> } {
  const cacheDir = deps.config.gitopsCacheDir ?? join(tmpdir(), 'pennant-git');
  const git = new GitClient(deps.env, join(cacheDir, '.auth'));
  const gitOpsMetrics = new GitOpsMetrics(deps.metrics.registry);
  const logger = deps.logger.child({ part: 'gitops' });
  const shared: SharedCache = {
    watch: (types) => deps.cache().watch(types),
    get: (type, namespace, name) => deps.cache().get(type, namespace, name),
    list: (type, namespace) => deps.cache().list(type, namespace),
    onChange: (type, handler) => deps.cache().onChange(type, handler),
    // Secrets are kept by metadata only: credentials are fetched when a sync or a push needs them.
    content: (type, namespace, name) => deps.cache().content(type, namespace, name),
  };
  const queue = new WorkQueue();
  const controller = new GitSourceController({
    kube: deps.kube,
    sources: new ClusterCache(deps.kube, deps.config.namespace, undefined, { ...NO_POLICY, selectors: { [typeKey(GIT_SOURCE)]: shardSelector(deps.config.shard) } }),
    cache: shared,
    clientFor: deps.clientFor,
    queue,
    scheduler: new Scheduler((key) => queue.add(key)),
    git,
    config: { cacheDir, allowControllerIdentity: deps.config.gitopsAllowControllerIdentity ?? false, workers: 2 },
    logger,
    metrics: gitOpsMetrics,
  });
  const writeBack = new GitWriteBack({ sources: controller, cache: shared, git, cacheDir, logger, metrics: gitOpsMetrics });
  const receiver = pushReceiver({
    active: () => controller.ready,
    gitSource: (namespace, name) => controller.get(namespace, name),
    secret: (namespace, name) => secretData(shared, namespace, name),
    syncNow: (namespace, name) => controller.syncNow(namespace, name),
    logger,
    metrics: gitOpsMetrics,
  });
  return { controller, writeBack, routes: { [PUSH_PATH_PREFIX]: receiver } };
}

export const LEASE_NAME = 'pennant-leader';
const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

function leaderElector(kube: KubeClient, config: ControllerConfig): LeaderElector & { namespace: string; identity: string; name: string } {
  const namespace = config.leaderElectionNamespace ?? podNamespace() ?? 'pennant-system';
  const identity = config.identity ?? `${hostname()}-${process.pid}`;
  const name = leaseName(LEASE_NAME, config.shard);
  return Object.assign(new LeaderElector(kube, { ...DEFAULT_LEADER_ELECTION, namespace, name, identity }), { namespace, identity, name });
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
  cache: () => ClusterCache;
}

/** Alerts: logged, then posted to each Canary's AlertProviders, else to the global notifier of the flags. */
export function alertNotifier(deps: AlertNotifierDeps): Notifier {
  return new AlertDispatcher({
    reader: {
      get: (type, namespace, name) => deps.cache().get(type, namespace, name),
      ensureContent: (refs) => deps.cache().ensureContent(refs),
    },
    logger: deps.logger,
    global: globalNotifierFrom(deps.config),
    clusterName: deps.config.clusterName,
    alertLink: deps.config.alertLink,
    allowCrossNamespaceRefs: !deps.config.denyCrossNamespaceRefs,
    deliveries: alertDeliveries(deps.metrics.registry),
    retries: alertDeliveryRetries(deps.metrics.registry),
    recordEvent: (canary, event) => deps.kube.recordEvent({ regarding: canaryRef(canary), ...event }),
  });
}
