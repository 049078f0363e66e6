import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type GitServer, startGitServer, startPrometheus, startTrafficSimulator, type PrometheusServer, type TrafficSimulator, waitUntil } from '../harness/index.js';
import { seededRandom } from '../harness/prng.js';
import { canaryStatus } from '../scenarios/helpers.js';
import { REPO, realKube } from './cluster.js';
import { type ControllerProcess, startController } from './controller-process.js';
import { applyTenant } from './tenant.js';

/**
 * Write-back under crash points: a GitSource's release promoted, the next rolled back, while
 * `pennant run` is SIGKILLed at seeded moments of each analysis and just after its outcome (when
 * the write-back is pending). Every outcome's commit is in Git exactly once.
 */
const KILLS_PER_ROUND = Number(process.env.PENNANT_CRASH_WRITEBACK_KILLS ?? 2);
const SEED = Number(process.env.PENNANT_CRASH_SEED ?? 1);
const TOKEN = 'git-t0ken-crash';
const ROUNDS = [{ image: 'podinfo:6.2.1', errorRate: '0' }, { image: 'podinfo:6.2.2', errorRate: '0.5' }, { image: 'podinfo:6.2.3', errorRate: '0' }] as const;

const podinfo = (image: string, errorRate: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: podinfo, labels: { app: podinfo } }
spec:
  replicas: 2
  selector: { matchLabels: { app: podinfo } }
  template:
    metadata:
      labels: { app: podinfo }
      annotations: { sim.pennant.dev/error-rate: "${errorRate}", sim.pennant.dev/latency-ms: "40" }
    spec:
      containers: [{ name: podinfod, image: "${image}", ports: [{ name: http, containerPort: 9898 }] }]
`;

const canary = `apiVersion: pennant.dev/v1beta1
kind: Canary
metadata: { name: podinfo }
spec:
  provider: gatewayapi:v1
  targetRef: { apiVersion: apps/v1, kind: Deployment, name: podinfo }
  progressDeadlineSeconds: 60
  service: { port: 9898, targetPort: http, gatewayRefs: [{ name: public, namespace: gateways }] }
  analysis:
    interval: 5s
    threshold: 2
    stepWeight: 25
    maxWeight: 50
    metrics:
      - { name: request-success-rate, thresholdRange: { min: 99 }, interval: 10s }
      - { name: request-duration, thresholdRange: { max: 500 }, interval: 10s }
  writeBack:
    revert: PodTemplate
`;

describe('crash points: write-back to Git', () => {
  const kubeconfig = inject('kubeconfig');
  const kube = realKube(kubeconfig);
  const ns = `it-crash-git-${process.pid}`;
  let git: GitServer;
  let prometheus: PrometheusServer;
  let simulator: TrafficSimulator;
  let controller: ControllerProcess | undefined;

  const start = async (): Promise<ControllerProcess> => {
    const args = ['run', '--kubeconfig', kubeconfig, '--port', '0', '--workers', '2', '--namespace', ns, '--metrics-server', prometheus.url, '--gitops-cache-dir', mkdtempSync(join(tmpdir(), 'pennant-crash-git-'))];
    const started = await startController(process.execPath, [join(REPO, 'bin/pennant.js'), ...args]);
    await waitUntil(() => /"msg":"controller started"/.test(started.output()), { timeoutMs: 90_000, what: 'the controller to start acting' });
    return started;
  };

  beforeAll(async () => {
    git = await startGitServer({ token: TOKEN });
    simulator = await startTrafficSimulator({ kube, apps: [], rate: 40, canaryTestRate: 10, seed: SEED });
    prometheus = await startPrometheus({ scrapeTargets: [simulator.target] });
    await prometheus.waitForScrape();
    await applyTenant(kube, ns, { git: TOKEN });
    await simulator.addApps([{ namespace: ns, service: 'podinfo', target: 'podinfo', provider: 'gatewayapi:v1' }]);
    await git.createRepo('apps');
    await git.commitFiles('apps', { 'apps/podinfo.yaml': podinfo('podinfo:6.2.0', '0'), 'apps/canary.yaml': canary }, 'podinfo under a Canary');
    await kube.create({
      apiVersion: 'pennant.dev/v1beta1', kind: 'GitSource', metadata: { name: 'apps', namespace: ns },
      spec: { url: `${git.url}/apps.git`, paths: ['apps'], interval: '3s', secretRef: { name: 'git' }, serviceAccountName: 'deployer' },
    });
  }, 120_000);
  afterAll(async () => {
    await controller?.kill();
    await kube.delete({ apiVersion: 'pennant.dev/v1beta1', kind: 'GitSource', namespace: ns, name: 'apps' }).catch(() => undefined);
    await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }).catch(() => undefined);
    await simulator?.stop();
    await prometheus?.stop();
    await git?.stop();
  });

  it(`${ROUNDS.length} releases, ${KILLS_PER_ROUND} kills in each analysis and one after each outcome (seed ${SEED}): each write-back commit once`, async () => {
    const random = seededRandom(SEED);
    const killAndRestart = async (maxDelayMs: number) => {
      await new Promise((r) => setTimeout(r, random() * maxDelayMs));
      await controller?.kill();
      controller = await start();
    };
    controller = await start();
    await waitUntil(async () => (await canaryStatus(kube, ns)).phase === 'Initialized', { timeoutMs: 120_000, what: 'the Canary to be initialised' });
    let promoted = 'podinfo:6.2.0';
    const expected: string[] = [];
    for (const round of ROUNDS) {
      const since = new Date().toISOString();
      await git.commitFiles('apps', { 'apps/podinfo.yaml': podinfo(round.image, round.errorRate) }, `podinfo ${round.image}`, { author: { name: 'Dev', email: 'dev@example.com' } });
      const healthy = round.errorRate === '0';
      for (let k = 0; k < KILLS_PER_ROUND; k++) await killAndRestart(6_000);
      const outcome = healthy ? 'Succeeded' : 'Failed';
      await waitUntil(async () => { const s = await canaryStatus(kube, ns); return s.phase === outcome && (s.lastTransitionTime ?? '') >= since; }, { timeoutMs: 240_000, intervalMs: 500, what: `${round.image} to be ${outcome}` });
      // The outcome is written with its write-back pending: a kill now lands on the push to Git.
      await killAndRestart(1_500);
      await waitUntil(async () => (await canaryStatus(kube, ns)).pendingWriteBack === undefined, { timeoutMs: 120_000, intervalMs: 500, what: 'the write-back to be done' });
      expected.push(healthy ? `Record promotion of ${ns}/podinfo: ${round.image}` : `Revert ${ns}/podinfo to ${promoted}`);
      if (healthy) promoted = round.image;
    }
    const pennant = (await git.log('apps')).filter((c) => c.author.name === 'Pennant').map((c) => c.subject).reverse();
    expect(pennant).toEqual(expected);
    const forced: string[] = [];
    for (const { from, to } of await git.refUpdates('apps')) if (!/^0+$/.test(from) && !(await git.isAncestor('apps', from, to))) forced.push(`${from}..${to}`);
    expect(forced, 'force-pushes').toEqual([]);
    const restarts = KILLS_PER_ROUND * ROUNDS.length + ROUNDS.length;
    console.log(JSON.stringify({ crashWriteBack: { kills: restarts, seed: SEED, commits: pennant.length, refUpdates: (await git.refUpdates('apps')).length } }));
  }, 900_000);
});
