import type { Logger } from 'pino';
import { pino } from 'pino';
import { controllerConfig, type ControllerConfig } from '../controller/config.js';
import { Controller } from '../controller/controller.js';
import { ControllerMetrics } from '../controller/metrics.js';
import { canaryProblems } from '../controller/rules.js';
import { NoWriteBack, type WriteBack } from '../gitops/index.js';
import type { KubeClient } from '../kube/types.js';
import { MemoryKube } from '../kube/memory.js';
import type { Notification, Notifier } from '../notify/index.js';
import type { HookCaller } from '../webhooks/index.js';
import { FakeDaemonSetController } from './fake-daemonset-controller.js';
import { FakeDeploymentController } from './fake-deployment-controller.js';
import { MetricStandIn, type QueryAnswerer } from './metric-stand-in.js';
import type { Clock } from '../controller/scheduler.js';

export interface StackOptions {
  config?: Partial<ControllerConfig>;
  logger?: Logger;
  callHook?: HookCaller;
  writeBack?: WriteBack;
  /** Where alerts go instead of the recording notifier (tests: one that is slow). */
  notifier?: Notifier;
  /** What the controller talks to instead of the in-memory cluster itself (tests: a cluster that misbehaves). */
  clientFor?: (kube: MemoryKube) => KubeClient;
  /** The controller's time (`pennant simulate`: a simulated clock); default: the system's. */
  clock?: Clock;
  /** What the Prometheus stand-in answers instead of the demo's traffic annotations. */
  answerQuery?: QueryAnswerer;
}

/** Records alerts so a demo can print them and a test can assert on them. */
export class RecordingNotifier implements Notifier {
  readonly sent: Notification[] = [];
  constructor(private readonly onPost?: (n: Notification) => void) {}
  async post(n: Notification): Promise<void> {
    this.sent.push(n);
    this.onPost?.(n);
  }
}

/**
 * The whole controller on an in-memory cluster: Deployment and DaemonSet controller stand-ins, a Prometheus
 * stand-in reading the demo annotations, and the real Controller with its real engine and routers.
 */
export class InMemoryStack {
  readonly kube = new MemoryKube();
  readonly metrics = new ControllerMetrics();
  readonly notifier: RecordingNotifier;
  private readonly deployments = new FakeDeploymentController(this.kube);
  private readonly daemonSets = new FakeDaemonSetController(this.kube);
  private readonly prometheus: MetricStandIn;
  controller: Controller | undefined;

  constructor(private readonly options: StackOptions = {}, onAlert?: (n: Notification) => void) {
    this.notifier = new RecordingNotifier(onAlert);
    this.prometheus = new MetricStandIn(this.kube, (ns, name) => this.deployments.runningTemplate(ns, name), options.answerQuery);
  }

  /** The controller has nothing to do until a timer fires. */
  get idle(): boolean {
    return this.controller?.idle ?? true;
  }

  private metricsServer = '';

  async start(): Promise<Controller> {
    await this.deployments.start();
    await this.daemonSets.start();
    this.metricsServer = await this.prometheus.start();
    return this.startController();
  }

  /** Stops the controller as SIGTERM would and starts a fresh one: all it knows is in the cluster. */
  async restartController(): Promise<Controller> {
    await this.controller?.stop();
    return this.startController();
  }

  private async startController(): Promise<Controller> {
    const config = controllerConfig.parse({ metricsServer: this.metricsServer, workers: 2, resyncSeconds: 30, ...this.options.config });
    const logger = this.options.logger ?? pino({ level: 'silent' });
    this.controller = new Controller({
      kube: this.options.clientFor?.(this.kube) ?? this.kube,
      config,
      logger,
      metrics: this.metrics,
      notifier: this.options.notifier ?? this.notifier,
      writeBack: this.options.writeBack ?? new NoWriteBack(),
      rules: canaryProblems,
      ...(this.options.callHook ? { callHook: this.options.callHook } : {}),
      ...(this.options.clock ? { clock: this.options.clock } : {}),
    });
    await this.controller.start();
    return this.controller;
  }

  /** Where the Prometheus stand-in listens (once started): MetricTemplates may point at it. */
  get prometheusUrl(): string {
    return this.metricsServer;
  }

  /** Every query the Prometheus stand-in was asked, in order. */
  get prometheusQueries(): readonly string[] {
    return this.prometheus.queries;
  }

  /** What a Deployment's pods run (a paused one keeps its older template). */
  runningTemplate(namespace: string, name: string): unknown {
    return this.deployments.runningTemplate(namespace, name);
  }

  async stop(): Promise<void> {
    await this.controller?.stop();
    this.deployments.stop();
    this.daemonSets.stop();
    await this.prometheus.stop();
  }
}
