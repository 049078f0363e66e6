import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RealKube } from '../../../src/kube/real.js';
import type { KubeObject } from '../../../src/kube/types.js';
import { kubernetesShape, istioShape, startPrometheus, startTrafficSimulator } from '../../harness/index.js';
import { installCrds, realKube } from '../../integration/cluster.js';
import { AuditTail, countRequests } from './audit.js';
import { CONTROLLER_USERS, freshBenchCluster } from './bench-cluster.js';
import type { ControllerProcess } from './controller-process.js';
import { bump, createNamespaces, createUnrelated, fleetApps, fleetObjects, inParallel, planFleet, type FleetMember, type FleetPlan } from './fleet.js';
import { bucketDelta, type Buckets, gaugeValue, histogramBuckets, quantile } from './histogram.js';
import type { FleetOptions } from './options.js';
import { startCountingProxy, type CountingProxy } from './prom-proxy.js';
import { median, perInterval, type RunFigures, type WindowFigures } from './report.js';
import { PhaseWatch } from './phase-watch.js';
import { freePort, type Subject } from './subjects.js';

type Log = (line: string) => void;

interface Running {
  kube: RealKube;
  audit: AuditTail;
  proxy: CountingProxy;
  controller: ControllerProcess;
  metricsUrl: string;
  user: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One controller on a new cluster with the fleet: its figures idle, then with some canaries progressing. */
export async function measure(subject: Subject, o: FleetOptions, log: Log): Promise<RunFigures> {
  const cluster = freshBenchCluster(o.canaries);
  const kube = realKube(cluster.kubeconfig);
  const plan = planFleet(o.canaries, o.progressing);
  await installCrds(kube, subject.crds(o.provider), 'create');
  log(`${subject.name}: ${o.unrelated} unrelated Secrets/ConfigMaps, ${o.canaries} canaries`);
  await createUnrelated(kube, o.unrelated);
  await createFleet(kube, subject, plan, o);
  const simulator = await startTrafficSimulator({ kube, apps: fleetApps(plan, o.provider), rate: 1, canaryTestRate: 2, shapes: [o.provider === 'istio' ? istioShape : kubernetesShape] });
  const prometheus = await startPrometheus({ scrapeTargets: [simulator.target], scrapeIntervalSeconds: 5 });
  const proxy = await startCountingProxy(prometheus.url);
  const phases = new PhaseWatch(kube, subject.canaryApiVersion);
  await phases.start();
  const port = await freePort();
  const user = CONTROLLER_USERS[subject.name];
  const logFile = join(mkdtempSync(join(tmpdir(), 'pennant-bench-')), `${subject.name}.log`);
  const started = Date.now();
  const controller = subject.start({ kubeconfig: cluster.userKubeconfig(user), metricsServer: proxy.url, provider: o.provider, port, logFile });
  log(`${subject.name}: started (log ${logFile}); waiting for ${o.canaries} canaries to be Initialized`);
  try {
    const run: Running = { kube, audit: new AuditTail(cluster.auditLog), proxy, controller, metricsUrl: `http://127.0.0.1:${port}/metrics`, user };
    await phases.waitForAll(plan.members, 'Initialized', 120_000 + o.canaries * 2000, () => controller.assertAlive());
    const initializeSeconds = (Date.now() - started) / 1000;
    await sleep(o.intervalSeconds * 1000);
    log(`${subject.name}: all Initialized after ${initializeSeconds.toFixed(1)} s; measuring ${o.intervals} idle intervals`);
    const idle = await measureWindow(run, subject, o);
    log(`${subject.name}: bumping ${plan.progressing.length} canaries${plan.faulty ? ' and one faulty' : ''}`);
    const bumped = await bumpFleet(kube, plan, phases);
    await phases.waitForAll(plan.progressing, 'Progressing', 120_000 + o.intervalSeconds * 3000, () => controller.assertAlive());
    const bumpToProgressing = plan.progressing.map((m) => ((phases.firstSeen(m, 'Progressing') ?? bumped) - bumped) / 1000);
    log(`${subject.name}: measuring ${o.intervals} intervals with ${plan.progressing.length} progressing`);
    const window = await measureWindow(run, subject, o);
    const failureToRollbackSeconds = plan.faulty ? await rollbackSeconds(phases, plan.faulty, bumped, o, controller) : null;
    const heapUsed = gaugeValue(await scrape(run.metricsUrl), subject.heapUsedGauge);
    const active = o.progressing > 0 ? window.figures : idle.figures;
    return {
      controller: subject.name, canaries: o.canaries, progressing: o.progressing, provider: o.provider,
      intervalSeconds: o.intervalSeconds, intervals: o.intervals, unrelated: o.unrelated,
      apiRequestsPerInterval: active.apiRequestsPerInterval, apiReadsPerInterval: active.apiReadsPerInterval,
      promQueriesPerInterval: active.promQueriesPerInterval, cpuSecondsPerInterval: active.cpuSecondsPerInterval,
      rssMiB: controller.rssMiB(),
      heapUsedMiB: heapUsed === null ? null : Number((heapUsed / 2 ** 20).toFixed(1)),
      reconcileP50Ms: window.reconcile?.p50 ?? null, reconcileP99Ms: window.reconcile?.p99 ?? null,
      queueWaitP99Ms: window.queueWait?.p99 ?? null,
      initializeSeconds: Number(initializeSeconds.toFixed(1)),
      bumpToProgressingSeconds: bumpToProgressing.length ? { p50: median(bumpToProgressing), max: Math.max(...bumpToProgressing) } : null,
      failureToRollbackSeconds,
      idle: idle.figures, progressingWindow: o.progressing > 0 ? window.figures : null,
    };
  } finally {
    phases.stop();
    await controller.stop();
    await Promise.allSettled([proxy.stop(), prometheus.stop(), simulator.stop()]);
  }
}

async function createFleet(kube: RealKube, subject: Subject, plan: FleetPlan, o: FleetOptions): Promise<void> {
  await createNamespaces(kube, plan.members.map((m) => m.namespace));
  const objects: KubeObject[] = plan.members.flatMap((m) => fleetObjects(m, { apiVersion: subject.canaryApiVersion, provider: o.provider, interval: `${o.intervalSeconds}s`, iterations: o.intervals + 4 }));
  await inParallel(objects, 16, (obj) => kube.create(obj));
}

async function bumpFleet(kube: RealKube, plan: FleetPlan, phases: PhaseWatch): Promise<number> {
  phases.forget([...plan.progressing, ...(plan.faulty ? [plan.faulty] : [])]);
  const at = Date.now();
  await inParallel(plan.progressing, 16, (m) => bump(kube, m));
  if (plan.faulty) await bump(kube, plan.faulty, true);
  return at;
}

async function rollbackSeconds(phases: PhaseWatch, faulty: FleetMember, bumped: number, o: FleetOptions, controller: ControllerProcess): Promise<number | null> {
  try {
    await phases.waitForAll([faulty], 'Failed', 120_000 + o.intervalSeconds * 8000, () => controller.assertAlive());
  } catch {
    return null;
  }
  return ((phases.firstSeen(faulty, 'Failed') ?? Date.now()) - bumped) / 1000;
}

async function scrape(url: string): Promise<string> {
  try {
    return await (await fetch(url)).text();
  } catch {
    return '';
  }
}

async function measureWindow(run: Running, subject: Subject, o: FleetOptions): Promise<{ figures: WindowFigures; reconcile?: Quantiles; queueWait?: Quantiles }> {
  run.audit.read();
  const queries = run.proxy.queries();
  const cpu = run.controller.cpuSeconds();
  const before = await scrapeHistograms(run, subject);
  await sleep(o.intervals * o.intervalSeconds * 1000);
  run.controller.assertAlive();
  const counts = countRequests(run.audit.read(), run.user);
  const after = await scrapeHistograms(run, subject);
  const n = o.intervals;
  const figures: WindowFigures = {
    apiRequestsPerInterval: perInterval(counts.total, n),
    apiReadsPerInterval: perInterval(counts.reads, n),
    leasesPerInterval: perInterval(counts.leases, n),
    promQueriesPerInterval: perInterval(run.proxy.queries() - queries, n),
    cpuSecondsPerInterval: perInterval(run.controller.cpuSeconds() - cpu, n),
    byVerbResource: Object.fromEntries(Object.entries(counts.byVerbResource).map(([k, v]) => [k, perInterval(v, n)])),
  };
  return {
    figures,
    ...(before.reconcile && after.reconcile ? { reconcile: quantilesMs(bucketDelta(before.reconcile, after.reconcile)) } : {}),
    ...(before.queueWait && after.queueWait ? { queueWait: quantilesMs(bucketDelta(before.queueWait, after.queueWait)) } : {}),
  };
}

interface Quantiles { p50: number | null; p99: number | null }

async function scrapeHistograms(run: Running, subject: Subject): Promise<{ reconcile?: Buckets; queueWait?: Buckets }> {
  if (!subject.reconcileHistogram && !subject.queueWaitHistogram) return {};
  const text = await scrape(run.metricsUrl);
  return {
    ...(subject.reconcileHistogram ? { reconcile: histogramBuckets(text, subject.reconcileHistogram.name) } : {}),
    ...(subject.queueWaitHistogram ? { queueWait: histogramBuckets(text, subject.queueWaitHistogram.name, subject.queueWaitHistogram.where) } : {}),
  };
}

function quantilesMs(delta: Buckets): Quantiles {
  const ms = (q: number) => {
    const seconds = quantile(q, delta);
    return seconds === null ? null : Number((seconds * 1000).toFixed(1));
  };
  return { p50: ms(0.5), p99: ms(0.99) };
}
