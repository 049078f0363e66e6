import type { CanaryStatus } from '../api/index.js';
import type { Ctx } from './context.js';
import type { Routes } from './types.js';

/**
 * Flagger's `status.sessionAffinityCookie`, `primarySessionAffinityCookie` and
 * `previousSessionAffinityCookie`, which users' scripts read (Flagger's e2e curls with the previous
 * cookie after a promotion to see it expired). They mirror the cookies the router's objects use
 * (`obs.routes.cookies`): the router stays the source of truth. A decision that sends the canary
 * back to 0 (or to A/B routes, which hand out no cookie) already shows the canary cookie as the
 * previous one, as the router expires exactly that cookie in the same step; a decision that
 * gives the canary weight shows its cookie from the next reconcile, once the VirtualService carries it.
 * The previous cookie stays until a newer one replaces it, as in Flagger.
 */
export function mirrorAffinityCookies(ctx: Ctx): void {
  const observed = ctx.obs.routes?.cookies ?? {};
  let { canary, primary } = observed;
  let previous = observed.expired ?? ctx.status.previousSessionAffinityCookie;
  const next = lastRoutesSet(ctx);
  if (next && (next.canary === 0 || next.matchedOnly)) {
    previous = canary ?? previous;
    canary = undefined;
    primary = undefined;
  }
  ctx.status = withCookies(ctx.status, { sessionAffinityCookie: canary, primarySessionAffinityCookie: primary, previousSessionAffinityCookie: previous });
}

type CookieFields = Pick<CanaryStatus, 'sessionAffinityCookie' | 'primarySessionAffinityCookie' | 'previousSessionAffinityCookie'>;

function withCookies(status: CanaryStatus, cookies: { [K in keyof CookieFields]: string | undefined }): CanaryStatus {
  const { sessionAffinityCookie: _c, primarySessionAffinityCookie: _p, previousSessionAffinityCookie: _v, ...rest } = status;
  const set = Object.fromEntries(Object.entries(cookies).filter(([, value]) => value !== undefined)) as CookieFields;
  return { ...rest, ...set };
}

function lastRoutesSet(ctx: Ctx): Routes | undefined {
  for (let i = ctx.actions.length - 1; i >= 0; i--) {
    const action = ctx.actions[i];
    if (action?.kind === 'setRoutes') return action.routes;
  }
  return undefined;
}
