import { createWriteStream } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { controllerConfig, type ControllerConfig } from '../../src/controller/config.js';
import { Controller } from '../../src/controller/controller.js';
import { createLogger } from '../../src/controller/logger.js';
import { ControllerMetrics } from '../../src/controller/metrics.js';
import { canaryProblems } from '../../src/controller/rules.js';
import { alertNotifier, gitOpsFor, impersonatingClients } from '../../src/controller/run.js';
import { RecordingNotifier } from '../../src/demo/in-memory-stack.js';
import { type GitSourceController, NoWriteBack, type WriteBack } from '../../src/gitops/index.js';
import type { Impersonation } from '../../src/kube/index.js';
import type { RealKube } from '../../src/kube/real.js';
import { createHttpServer, listen } from '../../src/server/http.js';
import { type PrometheusServer, startPrometheus, startTrafficSimulator, type TrafficSimulator } from '../harness/index.js';
import { realKube } from './cluster.js';

export const HTTPROUTE_V1 = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute' };

/**
 * Pennant's controller on real parts: the test cluster's API server (with its Deployment controller,
 * scheduler and KWOK pods), real Prometheus, and the traffic simulator playing the mesh.
 */
export class RealStack {
  readonly kube: RealKube;
  private readonly controllerKube: RealKube;
  readonly notifier = new RecordingNotifier();
  readonly metrics = new ControllerMetrics();
  prometheus!: PrometheusServer;
  simulator!: TrafficSimulator;
  controller!: Controller;
  /** With `gitops: true`: the GitSource controller, and where its push receiver listens (`http://127.0.0.1:<port>`). */
  gitSources?: GitSourceController;
  hooksUrl = '';
  private hooks?: Server;
  readonly logFile: string;

  /** `controllerAs`: run the controller as this identity (e.g. deploy/'s ServiceAccount). */
  constructor(private readonly kubeconfig: string, controllerAs?: Impersonation) {
    this.kube = realKube(kubeconfig);
    this.controllerKube = realKube(kubeconfig, controllerAs);
    this.logFile = join(mkdtempSync(join(tmpdir(), 'pennant-it-')), 'controller.log');
  }

  /**
   * `alerts: 'real'`: alerts go through `pennant run`'s AlertDispatcher (AlertProviders, Secrets, HTTP) instead of `notifier`.
   * `gitops: true`: GitSources are synced (impersonating their ServiceAccounts), outcomes written back, pushes received.
   */
  async start(config: Partial<ControllerConfig> = {}, options: { alerts?: 'recorded' | 'real'; gitops?: boolean } = {}): Promise<void> {
    this.simulator = await startTrafficSimulator({ kube: this.kube, apps: [], rate: 40, canaryTestRate: 10 });
    this.prometheus = await startPrometheus({ scrapeTargets: [this.simulator.target] });
    await this.prometheus.waitForScrape();
    const parsed = controllerConfig.parse({ metricsServer: this.prometheus.url, workers: 2, resyncSeconds: 30, ...config });
    const logger = createLogger('debug', createWriteStream(this.logFile));
    const real = options.alerts === 'real';
    const gitOps = options.gitops ? await this.gitOps(parsed, logger) : undefined;
    this.controller = new Controller({
      kube: this.controllerKube,
      config: parsed,
      logger,
      metrics: this.metrics,
      notifier: real ? alertNotifier({ config: parsed, logger, kube: this.controllerKube, metrics: this.metrics, cache: () => this.controller.cache }) : this.notifier,
      writeBack: gitOps?.writeBack ?? new NoWriteBack(),
      rules: canaryProblems,
    });
    await this.gitSources?.start();
    await this.controller.start();
  }

  private async gitOps(config: ControllerConfig, logger: ReturnType<typeof createLogger>): Promise<{ writeBack: WriteBack }> {
    const wiring = gitOpsFor({
      config: { ...config, gitopsCacheDir: mkdtempSync(join(tmpdir(), 'pennant-it-git-')) },
      kube: this.controllerKube,
      clientFor: impersonatingClients(this.controllerKube, (user) => realKube(this.kubeconfig, { user })),
      logger,
      metrics: this.metrics,
      env: process.env,
      cache: () => this.controller.cache,
    });
    this.gitSources = wiring.controller;
    this.hooks = createHttpServer({ registry: this.metrics.registry, ready: () => true }, wiring.routes);
    this.hooksUrl = `http://127.0.0.1:${await listen(this.hooks, 0, '127.0.0.1')}`;
    return wiring;
  }

  async stop(): Promise<void> {
    await this.gitSources?.stop();
    if (this.hooks) await new Promise<void>((resolve) => this.hooks?.close(() => resolve()));
    await this.controller?.stop();
    await this.simulator?.stop();
    await this.prometheus?.stop();
  }
}
