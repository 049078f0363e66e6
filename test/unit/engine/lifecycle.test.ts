import { describe, expect, it } from 'vitest';
import type { Canary } from '../../../src/api/index.js';
import type { Action, CheckResult, Observation, Routes } from '../../../src/engine/index.js';
import { at, decide, fail, makeCanary, pass, READY, workload, world } from './fixtures.js';

/** A toy world that carries out the engine's actions, so whole rollouts can be played in memory. */
class ToyWorld {
  routes: Routes | null = null;
  primaryExists = false;
  primaryRevision = 'v1';
  targetRevision = 'v1';
  targetReplicas = 1;
  weights: number[] = [];
  outcomes: string[] = [];

  observe(healthy: boolean): { obs: Observation; metrics: CheckResult[] } {
    return {
      obs: world(
        { routes: this.routes },
        { revision: this.targetRevision, replicas: this.targetReplicas },
        this.primaryExists ? workload({ revision: this.primaryRevision, readiness: READY }) : { exists: false },
      ),
      metrics: [healthy ? pass() : fail()],
    };
  }

  apply(actions: Action[]): void {
    for (const a of actions) {
      if (a.kind === 'createPrimary') { this.primaryExists = true; this.primaryRevision = this.targetRevision; }
      if (a.kind === 'ensureRouting' && !this.routes) this.routes = { primary: 100, canary: 0, mirror: false };
      if (a.kind === 'setRoutes') { this.routes = a.routes; this.weights.push(a.routes.canary); }
      if (a.kind === 'scale') this.targetReplicas = a.replicas;
      if (a.kind === 'promote') this.primaryRevision = this.targetRevision;
    }
  }
}

interface Play { canary: Canary; world: ToyWorld; seconds: number }

/** Reconciles every 10s of fake time; `persist` decides whether the status write of a step survives. */
function play(canary: Canary, toy: ToyWorld, opts: { until: (c: Canary) => boolean; healthy?: (s: number) => boolean; persist?: (step: number) => boolean; onStep?: (s: number, t: ToyWorld) => void }): Play {
  let current = canary;
  for (let step = 0, seconds = 0; step < 500; step++, seconds += 10) {
    opts.onStep?.(seconds, toy);
    const { obs, metrics } = toy.observe(opts.healthy?.(seconds) ?? true);
    const result = decide(current, obs, at(seconds), { metrics });
    toy.apply(result.actions);
    const written = current.status?.pendingWriteBack;
    if (result.asked.includes('writeBack') && written) toy.outcomes.push(written.outcome);
    if (opts.persist?.(step) ?? true) current = { ...current, status: result.status };
    if (opts.until(current)) return { canary: current, world: toy, seconds };
  }
  throw new Error(`no end state; stuck in ${current.status?.phase}`);
}

/** The phase reached and its write-back done. */
const settledAt = (phase: string) => (c: Canary) => c.status?.phase === phase && !c.status.pendingWriteBack;

function initializedCanary(analysis: Parameters<typeof makeCanary>[0] = {}): { canary: Canary; toy: ToyWorld } {
  const toy = new ToyWorld();
  const { canary } = play(makeCanary({ interval: '30s', ...analysis }), toy, { until: settledAt('Initialized') });
  toy.targetRevision = 'v2';
  toy.targetReplicas = 1;
  return { canary, toy };
}

describe('engine: whole rollouts in a toy world', () => {
  it('healthy canary: 10% → 20% → 30% → promoted, primary runs v2, target at zero', () => {
    const { canary, toy } = initializedCanary();
    const end = play(canary, toy, { until: settledAt('Succeeded') });
    expect(toy.weights).toEqual([10, 20, 30, 0]);
    expect(toy.primaryRevision).toBe('v2');
    expect(toy.targetReplicas).toBe(0);
    expect(toy.outcomes).toEqual(['promoted']);
    expect(end.canary.status).toMatchObject({ lastPromotedSpec: 'v2', canaryWeight: 0 });
  });

  it('faulty canary: rolled back after `threshold` failed checks, all traffic on the primary', () => {
    const { canary, toy } = initializedCanary({ threshold: 3 });
    const end = play(canary, toy, { until: settledAt('Failed'), healthy: () => false });
    expect(end.canary.status?.failedChecks).toBe(3);
    expect(toy.routes).toEqual({ primary: 100, canary: 0, mirror: false });
    expect(toy.primaryRevision).toBe('v1');
    expect(toy.targetReplicas).toBe(0);
    expect(toy.outcomes).toEqual(['rolledBack']);
  });

  it('a new revision mid-analysis restarts from zero and promotes the newest', () => {
    const { canary, toy } = initializedCanary();
    let pushed = false;
    play(canary, toy, {
      until: settledAt('Succeeded'),
      onStep: (_s, t) => { if (!pushed && t.routes?.canary === 20) { t.targetRevision = 'v3'; pushed = true; } },
    });
    expect(toy.weights).toEqual([10, 20, 0, 10, 20, 30, 0]);
    expect(toy.primaryRevision).toBe('v3');
  });

  it('a controller that dies before writing status reaches the same outcome', () => {
    for (const everyNth of [2, 3, 5]) {
      const { canary, toy } = initializedCanary();
      const end = play(canary, toy, { until: settledAt('Succeeded'), persist: (step) => step % everyNth !== 0 });
      expect(toy.primaryRevision, `lost every ${everyNth}th write`).toBe('v2');
      expect(end.canary.status?.lastPromotedSpec).toBe('v2');
      expect(toy.targetReplicas).toBe(0);
    }
  });
});
