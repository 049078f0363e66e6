import { type Ctx, done, event, hookResults, id, need, type Outcome } from '../context.js';
import { ALL_TO_CANARY, MATCHED_TO_CANARY, routeTo, startPromotion } from '../outcomes.js';
import { nextWeight } from '../settings.js';
import { withPhase } from '../status.js';
import { closeGate, openGate } from './gates.js';

/** After a passing analysis step: move traffic one step, or count an iteration, or promote. */
export function step(ctx: Ctx): Outcome {
  if (ctx.status.phase === 'WaitingPromotion') return confirmPromotion(ctx);
  switch (ctx.settings.strategy) {
    case 'canary':
      return canaryStep(ctx);
    case 'abTesting':
      return abTestingStep(ctx);
    case 'blueGreen':
      return blueGreenStep(ctx);
  }
}

function canaryStep(ctx: Ctx): Outcome {
  const weight = ctx.status.canaryWeight ?? 0;
  const { settings } = ctx;
  // Asked before every step: as Flagger, before the mirror step and before the step that promotes;
  // unlike Flagger, also before the first weight after mirroring, when users first get the canary's
  // answers (Flagger skips the gate while mirrored).
  const confirmations = hookResults(ctx, 'confirm-traffic-increase');
  if (confirmations === undefined) return need('confirm-traffic-increase');
  const refused = confirmations.find((r) => !r.ok);
  if (refused) {
    closeGate(ctx, 'confirm-traffic-increase', refused.name);
    return done(settings.intervalMs);
  }
  openGate(ctx);
  if (settings.mirror && weight === 0 && !ctx.status.mirrored) {
    routeTo(ctx, { primary: 100, canary: 0, mirror: true });
    ctx.status = { ...ctx.status, mirrored: true };
    event(ctx, 'Normal', 'Mirroring', `Starting mirroring of ${id(ctx)} traffic to the canary`);
    return done(settings.intervalMs);
  }
  if (weight >= settings.maxWeight) return confirmPromotion(ctx);
  const next = Math.min(settings.maxWeight, nextWeight(settings, weight));
  routeTo(ctx, { primary: 100 - next, canary: next, mirror: false });
  ctx.status = { ...ctx.status, canaryWeight: next, mirrored: false };
  event(ctx, 'Normal', 'Advance', `Advance ${id(ctx)} canary weight ${next}`);
  return done(settings.intervalMs);
}

/** A/B: the requests that match go to the canary for `iterations` steps, everyone else stays on the primary. */
function abTestingStep(ctx: Ctx): Outcome {
  const iterations = ctx.status.iterations ?? 0;
  if (iterations >= ctx.settings.iterations) return confirmPromotion(ctx);
  routeTo(ctx, MATCHED_TO_CANARY);
  ctx.status = { ...ctx.status, iterations: iterations + 1 };
  event(ctx, 'Normal', 'Advance', `Advance ${id(ctx)} canary iteration ${iterations + 1}/${ctx.settings.iterations}`);
  return done(ctx.settings.intervalMs);
}

/**
 * Blue/green: the canary is tested through its own Service for `iterations` steps (mirrored if asked),
 * then serves all traffic for one step while the primary is updated behind it.
 */
function blueGreenStep(ctx: Ctx): Outcome {
  const iterations = ctx.status.iterations ?? 0;
  if (iterations < ctx.settings.iterations) {
    if (ctx.settings.mirror) routeTo(ctx, { primary: 100, canary: 0, mirror: true });
    ctx.status = { ...ctx.status, iterations: iterations + 1, mirrored: ctx.settings.mirror };
    event(ctx, 'Normal', 'Advance', `Advance ${id(ctx)} canary iteration ${iterations + 1}/${ctx.settings.iterations}`);
    return done(ctx.settings.intervalMs);
  }
  return confirmPromotion(ctx);
}

/** The last step: the confirm-promotion gate, the blue/green switch, then the promotion. */
export function confirmPromotion(ctx: Ctx): Outcome {
  const confirmations = hookResults(ctx, 'confirm-promotion');
  if (confirmations === undefined) return need('confirm-promotion');
  const refused = confirmations.find((r) => !r.ok);
  if (refused) {
    closeGate(ctx, 'confirm-promotion', refused.name);
    ctx.status = withPhase(ctx.status, 'WaitingPromotion', ctx.now, `waiting for approval by ${refused.name}`);
    return done(ctx.settings.intervalMs);
  }
  openGate(ctx);
  if (ctx.status.phase === 'WaitingPromotion') ctx.status = withPhase(ctx.status, 'Progressing', ctx.now);
  if (ctx.settings.strategy === 'blueGreen' && (ctx.status.canaryWeight ?? 0) < 100) {
    routeTo(ctx, ALL_TO_CANARY);
    ctx.status = { ...ctx.status, canaryWeight: 100, mirrored: false };
    event(ctx, 'Normal', 'SwitchedToCanary', `Routing all traffic of ${id(ctx)} to the canary`);
    return done(ctx.settings.intervalMs);
  }
  return startPromotion(ctx);
}
