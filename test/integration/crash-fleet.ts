import { podinfoCanary, podinfoDeployment } from '../../src/demo/manifests.js';
import { ERROR_RATE_ANNOTATION } from '../../src/demo/traffic-annotations.js';
import type { RealKube } from '../../src/kube/real.js';
import type { HookRecorder, RecordedCall } from '../harness/hook-recorder.js';
import type { TrafficSimulator } from '../harness/index.js';
import { CANARY, canaryStatus, canaryWeight, deploymentOf, setImage } from '../scenarios/helpers.js';
import { HTTPROUTE_V1 } from './real-stack.js';

/**
 * The Canaries crash-points.test.ts kills the controller under: two healthy, two faulty, each with
 * a slow pre-rollout and post-rollout hook and a confirm-promotion gate, all in one namespace.
 */
export const FLEET = [
  { name: 'alpha', healthy: true },
  { name: 'bravo', healthy: true },
  { name: 'charlie', healthy: false },
  { name: 'delta', healthy: false },
] as const;
export type FleetMember = (typeof FLEET)[number];

export const FIRST_IMAGE = 'podinfo:6.0.0';
export const imageOf = (round: number): string => `podinfo:6.1.${round}`;
/** Asks of the gate before it approves a rollout: promotion waits at least one interval at the gate. */
export const GATE_ASKS = 2;

const INTERVAL = '5s';
const FAULTY_ERROR_RATE = '0.5';

/**
 * Every kill can interrupt one hook call, and an interrupted call counts as a failed step (README,
 * "side effects run at most once"): a healthy Canary's threshold stays above the kills of a round.
 */
export const healthyThreshold = (killsPerRound: number): number => killsPerRound + 3;

/** The gate approves a rollout (name and checksum) once it has been asked GATE_ASKS times. */
export function gateStatus(hook: string, payload: RecordedCall['payload'], calls: readonly RecordedCall[]): number {
  if (hook !== '/gate') return 200;
  const asked = calls.filter((c) => c.hook === '/gate' && c.payload.name === payload.name && c.payload.checksum === payload.checksum).length;
  return asked >= GATE_ASKS ? 200 : 403;
}

export async function createFleet(kube: RealKube, simulator: TrafficSimulator, ns: string, hooks: HookRecorder, killsPerRound: number): Promise<void> {
  await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await simulator.addApps(FLEET.map((m) => ({ namespace: ns, service: m.name, target: m.name, provider: 'gatewayapi:v1' })));
  for (const m of FLEET) {
    await kube.create(podinfoDeployment(ns, { image: FIRST_IMAGE }, m.name));
    await kube.create(podinfoCanary({
      namespace: ns,
      name: m.name,
      interval: INTERVAL,
      provider: 'gatewayapi:v1',
      gatewayRefs: [{ name: 'public', namespace: 'gateways' }],
      threshold: m.healthy ? healthyThreshold(killsPerRound) : 2,
      stepWeight: 10,
      maxWeight: 30,
      webhooks: [
        { name: 'migrate', type: 'pre-rollout', url: `${hooks.url}/pre-rollout`, timeout: '10s' },
        { name: 'approve', type: 'confirm-promotion', url: `${hooks.url}/gate` },
        { name: 'cleanup', type: 'post-rollout', url: `${hooks.url}/post-rollout`, timeout: '10s' },
      ],
    }));
  }
}

/** A new revision of every Canary: the healthy ones stay healthy, the faulty ones answer half their requests with 500s. */
export async function release(kube: RealKube, ns: string, round: number): Promise<void> {
  for (const m of FLEET) await setImage(kube, ns, imageOf(round), m.healthy ? {} : { [ERROR_RATE_ANNOTATION]: FAULTY_ERROR_RATE }, m.name);
}

/** Every Canary reached its phase (healthy: Succeeded on the round's image, faulty: Failed) since `since`. */
export async function settled(kube: RealKube, ns: string, round: number, since: string): Promise<boolean> {
  for (const m of FLEET) {
    const status = await canaryStatus(kube, ns, m.name);
    if (status.phase !== (m.healthy ? 'Succeeded' : 'Failed') || (status.lastTransitionTime ?? '') < since) return false;
    if (m.healthy && (await deploymentOf(kube, ns, `${m.name}-primary`)).image !== imageOf(round)) return false;
  }
  return true;
}

/** What is wrong with the world once a round settled: each line names the Canary and what it found. */
export async function worldProblems(kube: RealKube, ns: string, round: number): Promise<string[]> {
  const problems: string[] = [];
  for (const m of FLEET) {
    const primary = await deploymentOf(kube, ns, `${m.name}-primary`);
    const want = m.healthy ? imageOf(round) : FIRST_IMAGE;
    if (primary.image !== want) problems.push(`${m.name}: primary runs ${primary.image}, not ${want}`);
    const target = await deploymentOf(kube, ns, m.name);
    if (target.replicas !== 0) problems.push(`${m.name}: the canary Deployment is at ${target.replicas} replicas, not 0`);
    const route = await kube.get({ ...HTTPROUTE_V1, namespace: ns, name: m.name });
    const weight = route ? canaryWeight(route) : undefined;
    if (weight !== 0) problems.push(`${m.name}: the route sends ${weight}% to the canary`);
  }
  return [...problems, ...(await extraObjects(kube, ns))];
}

/** Exactly the objects Pennant makes per Canary, no second copy under another name. */
async function extraObjects(kube: RealKube, ns: string): Promise<string[]> {
  const expected = {
    Deployment: FLEET.flatMap((m) => [m.name, `${m.name}-primary`]),
    Service: FLEET.flatMap((m) => [m.name, `${m.name}-canary`, `${m.name}-primary`]),
    HTTPRoute: FLEET.map((m) => m.name),
    Canary: FLEET.map((m) => m.name),
  };
  const types = { Deployment: { apiVersion: 'apps/v1', kind: 'Deployment' }, Service: { apiVersion: 'v1', kind: 'Service' }, HTTPRoute: HTTPROUTE_V1, Canary: CANARY };
  const problems: string[] = [];
  for (const [kind, names] of Object.entries(expected)) {
    const found = (await kube.list(types[kind as keyof typeof types], { namespace: ns })).map((o) => o.metadata.name ?? '').sort();
    if (JSON.stringify(found) !== JSON.stringify([...names].sort())) problems.push(`${kind}s: ${found.join(', ')} (expected ${[...names].sort().join(', ')})`);
  }
  return problems;
}

/** Side effects of the webhooks: each decision's call at most once; post-rollout once per rollout at most, with the outcome's phase. */
export function hookProblems(hooks: HookRecorder): string[] {
  const problems: string[] = [];
  for (const hook of ['/pre-rollout', '/post-rollout']) {
    for (const [key, n] of hooks.countBy(hook, (c) => c.idempotencyKey ?? 'none')) {
      if (n > 1 || key === 'none') problems.push(`${hook}: ${n} calls with Idempotency-Key ${key} (one decision)`);
    }
  }
  for (const [rollout, n] of hooks.countBy('/post-rollout', rolloutOf)) if (n > 1) problems.push(`/post-rollout: ${n} calls for rollout ${rollout}`);
  for (const call of hooks.calls().filter((c) => c.hook === '/post-rollout')) {
    const healthy = FLEET.find((m) => m.name === call.payload.name)?.healthy;
    if (call.payload.phase !== (healthy ? 'Succeeded' : 'Failed')) problems.push(`/post-rollout of ${call.payload.name} with phase ${call.payload.phase}`);
  }
  return problems;
}

/** One rollout: a Canary and the revision it analyses. */
export const rolloutOf = (call: RecordedCall): string => `${call.payload.name}@${call.payload.checksum}`;

export interface HookFigures {
  rollouts: number;
  preRolloutCalls: number;
  /** Rollouts whose pre-rollout hook was called again after an interrupted call (a new decision each time). */
  preRolloutRepeated: number;
  postRolloutCalls: number;
  /** Rollouts whose post-rollout hook was never called: the controller died after the outcome was written, before it was sent. */
  postRolloutLost: number;
}

export function hookFigures(hooks: HookRecorder, rollouts: number): HookFigures {
  const pre = hooks.countBy('/pre-rollout', rolloutOf);
  const post = hooks.countBy('/post-rollout', rolloutOf);
  return {
    rollouts,
    preRolloutCalls: [...pre.values()].reduce((a, b) => a + b, 0),
    preRolloutRepeated: [...pre.values()].filter((n) => n > 1).length,
    postRolloutCalls: [...post.values()].reduce((a, b) => a + b, 0),
    postRolloutLost: rollouts - post.size,
  };
}
