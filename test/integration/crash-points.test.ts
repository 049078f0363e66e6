import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHookRecorder, type HookRecorder } from '../harness/hook-recorder.js';
import { startPrometheus, startTrafficSimulator, type PrometheusServer, type TrafficSimulator, waitUntil } from '../harness/index.js';
import { seededRandom, type Random } from '../harness/prng.js';
import { REPO, realKube } from './cluster.js';
import { type ControllerProcess, startController } from './controller-process.js';
import { createFleet, FLEET, gateStatus, hookFigures, hookProblems, release, settled, worldProblems } from './crash-fleet.js';

/**
 * SIGKILL of `pennant run` at seeded random moments of analyses on the real control plane, and of
 * the leader of two `--leader-elect` replicas. Afterwards every healthy Canary is promoted, every
 * faulty one rolled back, no route is left split, no object is made twice and no webhook call is
 * made twice for one decision. docs/reliability.md has the full run's figures.
 */
const KILLS = Number(process.env.PENNANT_CRASH_KILLS ?? 4);
const LEADER_KILLS = Number(process.env.PENNANT_CRASH_LEADER_KILLS ?? 1);
const SEED = Number(process.env.PENNANT_CRASH_SEED ?? 1);
/**
 * Kills per rollout of the fleet; more kills are more rounds (a new revision of every Canary each).
 * A leader's kill costs the lease's 15 s before the standby acts, so fewer of them fit in a rollout.
 */
const KILLS_PER_ROUND = 5;
const LEADER_KILLS_PER_ROUND = 2;
/** A kill comes this long (uniform, ms) after the controller it kills started acting. */
const KILL_AFTER_MS = { min: 500, max: 6_000 };
const SLOW_HOOK_MS = 2_000;
const ROUND_TIMEOUT_MS = 300_000;

describe('crash points: SIGKILL of the controller mid-analysis', () => {
  const kubeconfig = inject('kubeconfig');
  const kube = realKube(kubeconfig);
  const namespaces: string[] = [];
  const controllers: ControllerProcess[] = [];
  let prometheus: PrometheusServer;
  let simulator: TrafficSimulator;

  beforeAll(async () => {
    simulator = await startTrafficSimulator({ kube, apps: [], rate: 40, canaryTestRate: 10, seed: SEED });
    prometheus = await startPrometheus({ scrapeTargets: [simulator.target] });
    await prometheus.waitForScrape();
  }, 120_000);
  afterAll(async () => {
    await Promise.all(controllers.map((c) => c.kill()));
    await simulator?.stop();
    await prometheus?.stop();
    for (const ns of namespaces) await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }).catch(() => undefined);
  });

  function controller(ns: string, leaderElect?: { identity: string }): Promise<ControllerProcess> {
    const args = ['run', '--kubeconfig', kubeconfig, '--port', '0', '--workers', '2', '--namespace', ns, '--metrics-server', prometheus.url];
    if (leaderElect) args.push('--leader-elect', '--leader-election-namespace', ns, '--identity', leaderElect.identity);
    return startController(process.execPath, [join(REPO, 'bin/pennant.js'), ...args]).then((c) => {
      controllers.push(c);
      return c;
    });
  }
  const acting = (c: ControllerProcess) => waitUntil(() => /"msg":"controller started"/.test(c.output()), { timeoutMs: 90_000, what: 'the controller to start acting' });
  const pause = (random: Random) => new Promise((r) => setTimeout(r, KILL_AFTER_MS.min + random() * (KILL_AFTER_MS.max - KILL_AFTER_MS.min)));

  async function fleet(name: string): Promise<{ ns: string; hooks: HookRecorder }> {
    const ns = `it-crash-${name}-${process.pid}`;
    namespaces.push(ns);
    const hooks = await startHookRecorder({ slowMs: { '/pre-rollout': SLOW_HOOK_MS, '/post-rollout': SLOW_HOOK_MS }, status: gateStatus });
    await createFleet(kube, simulator, ns, hooks, KILLS_PER_ROUND);
    return { ns, hooks };
  }

  /** Rounds of one new revision each, `killOne` called at seeded moments of each; the world checked after every round. */
  async function rounds(ns: string, hooks: HookRecorder, plan: { kills: number; perRound: number; random: Random }, killOne: () => Promise<void>): Promise<void> {
    const { kills, perRound, random } = plan;
    let midAnalysis = 0;
    await waitUntil(async () => (await Promise.all(FLEET.map(async (m) => (await kube.get({ apiVersion: 'pennant.dev/v1beta1', kind: 'Canary', namespace: ns, name: m.name }))?.status))).every((s) => (s as { phase?: string } | undefined)?.phase === 'Initialized'), { timeoutMs: 120_000, what: 'the fleet to be initialised' });
    const count = Math.ceil(kills / perRound);
    for (let round = 1; round <= count; round++) {
      const since = new Date().toISOString();
      await release(kube, ns, round);
      for (let k = 0; k < Math.min(perRound, kills - (round - 1) * perRound); k++) {
        await pause(random);
        if (!(await settled(kube, ns, round, since))) midAnalysis++;
        await killOne();
      }
      await waitUntil(() => settled(kube, ns, round, since), { timeoutMs: ROUND_TIMEOUT_MS, intervalMs: 500, what: `round ${round} to settle` });
      expect(await worldProblems(kube, ns, round), `round ${round}`).toEqual([]);
    }
    expect(hookProblems(hooks)).toEqual([]);
    const figures = hookFigures(hooks, count * FLEET.length);
    expect(figures.preRolloutCalls).toBeGreaterThanOrEqual(figures.rollouts);
    const interrupted = (await kube.list({ apiVersion: 'v1', kind: 'Event' }, { namespace: ns })).filter((e) => /not called again/.test(String((e as { message?: string }).message))).length;
    console.log(JSON.stringify({ crashPoints: { ns, kills, midAnalysis, seed: SEED, rounds: count, interruptedHookEvents: interrupted, ...figures } }));
  }

  it(`${KILLS} kills of a lone controller (seed ${SEED})`, async () => {
    const { ns, hooks } = await fleet('lone');
    let current = await controller(ns);
    const random = seededRandom(SEED);
    try {
      await rounds(ns, hooks, { kills: KILLS, perRound: KILLS_PER_ROUND, random }, async () => {
        await current.kill();
        current = await controller(ns);
        await acting(current);
      });
    } finally {
      await current.stop();
      await hooks.close();
    }
  }, 60_000 + Math.ceil(KILLS / KILLS_PER_ROUND) * (ROUND_TIMEOUT_MS + 120_000));

  it(`${LEADER_KILLS} kills of the leader of two --leader-elect replicas (seed ${SEED})`, async () => {
    const { ns, hooks } = await fleet('leader');
    const replicas = new Map<string, ControllerProcess>();
    let started = 0;
    const replica = async (): Promise<void> => {
      const identity = `replica-${started++}`;
      replicas.set(identity, await controller(ns, { identity }));
    };
    await replica();
    await replica();
    const holder = async () => ((await kube.get({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: ns, name: 'pennant-leader' }))?.spec as { holderIdentity?: string } | undefined)?.holderIdentity;
    const leader = async (): Promise<ControllerProcess> => {
      const identity = await waitUntil(async () => { const h = await holder(); return h && replicas.has(h) ? h : undefined; }, { timeoutMs: 90_000, what: 'a live replica to hold the lease' });
      const leading = replicas.get(identity);
      if (!leading) throw new Error(`no replica ${identity}`);
      await acting(leading);
      return leading;
    };
    try {
      await leader();
      await rounds(ns, hooks, { kills: LEADER_KILLS, perRound: LEADER_KILLS_PER_ROUND, random: seededRandom(SEED + 1) }, async () => {
        const killed = await leader();
        for (const [identity, p] of replicas) if (p === killed) replicas.delete(identity);
        await killed.kill();
        // A new standby takes the dead one's place; the old standby takes over once the lease expires.
        await replica();
        await leader();
      });
    } finally {
      await Promise.all([...replicas.values()].map((r) => r.stop()));
      await hooks.close();
    }
  }, 60_000 + Math.ceil(LEADER_KILLS / LEADER_KILLS_PER_ROUND) * (ROUND_TIMEOUT_MS + 180_000));
});
