import type { Ctx } from './context.js';
import type { Action, Routes } from './types.js';

/**
 * The canary is the target Deployment itself, so a template pushed while it serves users would roll
 * out to those users unanalysed (Flagger lets that happen). While any user request can reach the
 * canary the target is paused: its pods stay the revision being analysed (or, after a failed
 * promotion, the one serving as the fallback). Traffic moves off it first, then it is unpaused, and
 * the new template rolls out to pods no user reaches.
 */
export function holdServingPods(ctx: Ctx): void {
  const { target } = ctx.obs;
  if (!target.exists || target.pausable === false) return;
  const serves = !ctx.obs.deleting && servesUsers(routesAfter(ctx));
  if (serves && !target.paused) {
    // First, before traffic moves: if the template changed since this decision was made, pausing
    // fails and the decision is made again on what is there now.
    ctx.actions.unshift({ kind: 'pause', workload: 'canary', paused: true, ...(target.revision ? { revision: target.revision } : {}) });
    return;
  }
  if (!serves && target.pausedByPennant) {
    const unpause: Action = { kind: 'pause', workload: 'canary', paused: false };
    // Handing the target back on deletion: unpaused before it is scaled up. Otherwise last, once
    // traffic has left it.
    if (ctx.obs.deleting) ctx.actions.unshift(unpause);
    else ctx.actions.push(unpause);
  }
}

/** The routes once this decision's actions are done. */
function routesAfter(ctx: Ctx): Routes | null {
  let routes = ctx.obs.routes;
  for (const action of ctx.actions) if (action.kind === 'setRoutes') routes = action.routes;
  return routes;
}

/** A mirrored copy is not served to users: its answers are dropped. */
const servesUsers = (routes: Routes | null): boolean => routes !== null && routes.canary > 0;
