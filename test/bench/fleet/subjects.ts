import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../../src/kube/types.js';
import { crdObjects, moduleCrds, REPO, THIRD_PARTY_CRDS } from '../../integration/cluster.js';
import { ControllerProcess } from './controller-process.js';

export const FLAGGER_VERSION = 'v1.44.0';
const FLAGGER_MODULE = 'github.com/fluxcd/flagger';
const FLAGGER_BIN_DIR = join(homedir(), '.cache/pennant/bin', `flagger-${FLAGGER_VERSION}`);
const PENNANT_BUILD = join(REPO, '.pennant/bench-dist');

/** A controller the benchmark can measure: how to install its CRDs and start it. */
export interface Subject {
  name: 'pennant' | 'flagger';
  canaryApiVersion: string;
  crds(provider: string): KubeObject[];
  start(o: { kubeconfig: string; metricsServer: string; provider: string; port: number; logFile: string }): ControllerProcess;
  /** Where its own /metrics is, when it has a reconcile histogram. */
  reconcileHistogram?: { name: string };
  /** Its work queue's wait histogram for changes (not idle re-checks), when it has one. */
  queueWaitHistogram?: { name: string; where: Record<string, string> };
  /** The gauge of its live heap in bytes on its /metrics: RSS minus this is the runtime, code and free heap. */
  heapUsedGauge: string;
}

function providerCrds(provider: string): KubeObject[] {
  return provider === 'istio' ? THIRD_PARTY_CRDS.filter((c) => c.module.startsWith('istio.io')).flatMap(moduleCrds) : [];
}

interface EnvVar { name: string; value?: string }

/** NODE_OPTIONS as deploy/deployment.yaml gives them to the controller's container. */
export function shippedNodeOptions(): string {
  const docs = parseAllDocuments(readFileSync(join(REPO, 'deploy/deployment.yaml'), 'utf8')).map((d) => d.toJS() as KubeObject);
  const deployment = docs.find((d) => d.kind === 'Deployment');
  const containers = (deployment?.spec as { template?: { spec?: { containers?: { env?: EnvVar[] }[] } } } | undefined)?.template?.spec?.containers ?? [];
  return containers.flatMap((c) => c.env ?? []).find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
}

/** Pennant as it ships: compiled (`tsc`), run by node (not through tsx) with deploy/'s NODE_OPTIONS. */
export const pennant: Subject = {
  name: 'pennant',
  canaryApiVersion: 'pennant.dev/v1beta1',
  crds: (provider) => [...crdObjects().filter((c) => (c.spec as { group: string }).group === 'pennant.dev'), ...providerCrds(provider)],
  start: (o) => {
    const main = join(PENNANT_BUILD, 'cli/main.js');
    const script = `const m = await import(${JSON.stringify(`file://${main}`)}); process.exitCode = await m.main(process.argv);`;
    // PENNANT_BENCH_NODE_ARGS: V8 flags NODE_OPTIONS refuses (--optimize-for-size), on node's command line.
    const nodeArgs = (process.env.PENNANT_BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
    return new ControllerProcess(process.execPath, [...nodeArgs, '--input-type=module', '-e', script, 'pennant', 'run', '--kubeconfig', o.kubeconfig, '--metrics-server', o.metricsServer, '--provider', o.provider, '--port', String(o.port), '--log-level', 'info'], o.logFile, { ...process.env, NODE_OPTIONS: process.env.PENNANT_BENCH_NODE_OPTIONS ?? shippedNodeOptions() });
  },
  reconcileHistogram: { name: 'pennant_reconcile_duration_seconds' },
  queueWaitHistogram: { name: 'pennant_workqueue_queue_duration_seconds', where: { lane: 'event' } },
  heapUsedGauge: 'nodejs_heap_size_used_bytes',
};

export const flagger: Subject = {
  name: 'flagger',
  canaryApiVersion: 'flagger.app/v1beta1',
  crds: (provider) => [...moduleCrds({ module: `${FLAGGER_MODULE}@${FLAGGER_VERSION}`, files: ['artifacts/flagger/crd.yaml'] }), ...providerCrds(provider)],
  start: (o) =>
    new ControllerProcess(join(FLAGGER_BIN_DIR, 'flagger'), ['-kubeconfig', o.kubeconfig, '-metrics-server', o.metricsServer, '-mesh-provider', o.provider, '-port', String(o.port), '-log-level', 'info', '-enable-leader-election=false'], o.logFile),
  heapUsedGauge: 'go_memstats_heap_inuse_bytes',
};

/** Compiles Pennant into .pennant/bench-dist (the sources as they are now). */
export function buildPennant(): void {
  const run = spawnSync(join(REPO, 'node_modules/.bin/tsc'), ['-p', join(REPO, 'tsconfig.build.json'), '--outDir', PENNANT_BUILD, '--declaration', 'false', '--sourceMap', 'false'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (run.status !== 0) throw new Error(`tsc failed: ${run.stdout}${run.stderr}`);
  // As `npm run build` does: the web view's pages beside the compiled module that serves them.
  cpSync(join(REPO, 'src/ui/static'), join(PENNANT_BUILD, 'ui/static'), { recursive: true });
}

/** Flagger from the Go module proxy, built once and cached like the control plane. */
export function buildFlagger(log: (line: string) => void): void {
  if (existsSync(join(FLAGGER_BIN_DIR, 'flagger'))) return;
  log(`building flagger ${FLAGGER_VERSION} from Go modules into ${FLAGGER_BIN_DIR} (several minutes, once)`);
  const run = spawnSync('go', ['install', `${FLAGGER_MODULE}/cmd/flagger@${FLAGGER_VERSION}`], { cwd: '/tmp', env: { ...process.env, GOBIN: FLAGGER_BIN_DIR, GOFLAGS: '-mod=mod' }, encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'], timeout: 60 * 60_000 });
  if (run.status !== 0) throw new Error(`go install flagger ${FLAGGER_VERSION} failed (exit ${run.status ?? run.signal})`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
