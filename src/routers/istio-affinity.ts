import { createHash } from 'node:crypto';
import type { Canary } from '../api/index.js';
import { parseDuration } from '../engine/duration.js';
import { DEFAULT_INTERVAL_MS } from '../engine/settings.js';
import type { Routes, SessionAffinityCookies } from '../engine/types.js';
import {
  canaryHost, type Destination, destinations, type HttpMatch, type HttpRoute, mergeMatches, primaryHost, routeOptions, serviceMatches,
} from './istio-routes.js';

/**
 * `analysis.sessionAffinity` (Flagger's sticky canary releases): while the canary has weight, its
 * responses set a cookie, and a route in front of the weighted one sends requests carrying that
 * cookie to the canary, so a user who reached the canary stays there. With `primaryCookieName`,
 * primary responses set a cookie that keeps the user on the primary for one interval. When the
 * canary's weight goes back to 0, a route expires the canary cookie (Max-Age=-1).
 *
 * The VirtualService is the source of truth: the values are derived from the Canary's uid and the
 * revision under analysis (so every run has its own and a restarted controller finds the same), the
 * cookie to expire is read back from it, and getRoutes reports the cookies in use, which the engine
 * mirrors into status.sessionAffinityCookie, primarySessionAffinityCookie and
 * previousSessionAffinityCookie as Flagger fills them.
 */

export const STICKY_CANARY = 'sticky-canary';
export const STICKY_PRIMARY = 'sticky-primary';
export const EXPIRE_CANARY_COOKIE = 'expire-canary-cookie';
/** Routes that only pin (or unpin) users who carry a cookie: not where the weights are. */
export const STICKY_ROUTE_NAMES: readonly string[] = [STICKY_CANARY, STICKY_PRIMARY, EXPIRE_CANARY_COOKIE];

const DEFAULT_MAX_AGE_S = 86_400;
const SET_COOKIE = 'Set-Cookie';
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

type AffinitySpec = NonNullable<Canary['spec']['analysis']['sessionAffinity']>;

export interface Affinity {
  /** Routes to put in front of the weighted route. */
  routes: HttpRoute[];
  /** The weighted route's destinations, with a Set-Cookie response header where a cookie is handed out. */
  weighted: Destination[];
}

/** The sticky routes for `routes`, given the VirtualService's current http routes (for the cookie to expire). */
export function sessionAffinity(canary: Canary, svc: string, routes: Routes, weighted: Destination[], current: readonly HttpRoute[]): Affinity {
  const spec = canary.spec.analysis.sessionAffinity;
  if (!spec) return { routes: [], weighted };
  if (routes.canary > 0 && !routes.matchedOnly) {
    const cookie = `${spec.cookieName}=${cookieValue(canary, 'canary')}`;
    const sticky = [stickyRoute(canary, STICKY_CANARY, cookie, destinations(canary, svc, 0, 100))];
    let dests = withSetCookie(weighted, canaryHost(svc), setCookie(cookie, spec.maxAge ?? DEFAULT_MAX_AGE_S, spec));
    if (spec.primaryCookieName) {
      const primaryCookie = `${spec.primaryCookieName}=${cookieValue(canary, 'primary')}`;
      sticky.push(stickyRoute(canary, STICKY_PRIMARY, primaryCookie, destinations(canary, svc, 100, 0)));
      dests = withSetCookie(dests, primaryHost(svc), setCookie(primaryCookie, intervalSeconds(canary), spec));
    }
    return { routes: sticky, weighted: dests };
  }
  const expiring = liveCookie(current, svc) ?? expiringCookie(current);
  if (!expiring) return { routes: [], weighted };
  const route = stickyRoute(canary, EXPIRE_CANARY_COOKIE, expiring, weighted);
  const headers = route.headers ?? {};
  const response = { ...headers.response, add: { ...headers.response?.add, [SET_COOKIE]: setCookie(expiring, -1, spec) } };
  return { routes: [{ ...route, headers: { ...headers, response } }], weighted };
}

/** Ten letters, the same for the same Canary and revision, different for each run. */
function cookieValue(canary: Canary, role: 'canary' | 'primary'): string {
  const digest = createHash('sha256').update(`${canary.metadata.uid ?? canary.metadata.name ?? ''}/${canary.status?.lastAppliedSpec ?? ''}/${role}`).digest();
  return Array.from(digest.subarray(0, 10), (byte) => LETTERS[byte % LETTERS.length]).join('');
}

function intervalSeconds(canary: Canary): number {
  return Math.round((parseDuration(canary.spec.analysis.interval ?? '') ?? DEFAULT_INTERVAL_MS) / 1000);
}

/** `name=value; Max-Age=…` and the attributes the spec asks for. */
export function setCookie(cookie: string, maxAge: number, spec: AffinitySpec): string {
  const attributes = [
    `Max-Age=${maxAge}`,
    spec.domain ? `Domain=${spec.domain}` : '',
    spec.httpOnly ? 'HttpOnly' : '',
    spec.partitioned ? 'Partitioned' : '',
    spec.path ? `Path=${spec.path}` : '',
    spec.sameSite ? `SameSite=${spec.sameSite}` : '',
    spec.secure ? 'Secure' : '',
  ].filter((a) => a !== '');
  return [cookie, ...attributes].join('; ');
}

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function cookieMatch(cookie: string): HttpMatch {
  const [name = '', value = ''] = cookie.split('=');
  return { headers: { cookie: { regex: `.*${escapeRegex(name)}.*${escapeRegex(value)}.*` } } };
}

function stickyRoute(canary: Canary, name: string, cookie: string, route: Destination[]): HttpRoute {
  return { name, match: mergeMatches([cookieMatch(cookie)], serviceMatches(canary)), ...routeOptions(canary), route };
}

function withSetCookie(dests: Destination[], host: string, value: string): Destination[] {
  return dests.map((d) => (d.destination.host === host ? { ...d, headers: { response: { add: { [SET_COOKIE]: value } } } } : d));
}

const cookieOf = (header: string | undefined): string | undefined => header?.split(';')[0]?.trim() || undefined;

/** The cookie the weighted route hands out on responses from `host` now, if any. */
function liveCookie(current: readonly HttpRoute[], svc: string, host = canaryHost(svc)): string | undefined {
  const weighted = current.filter((r) => !STICKY_ROUTE_NAMES.includes(r.name ?? ''));
  const dest = weighted.flatMap((r) => r.route).find((d) => d.destination.host === host && d.headers?.response?.add?.[SET_COOKIE]);
  return cookieOf(dest?.headers?.response?.add?.[SET_COOKIE]);
}

/** The cookies the VirtualService's http routes hand out or expire; undefined when there are none. */
export function cookiesInUse(current: readonly HttpRoute[], svc: string): SessionAffinityCookies | undefined {
  const found: [keyof SessionAffinityCookies, string | undefined][] = [
    ['canary', liveCookie(current, svc)],
    ['primary', liveCookie(current, svc, primaryHost(svc))],
    ['expired', expiringCookie(current)],
  ];
  const cookies = Object.fromEntries(found.filter(([, value]) => value !== undefined)) as SessionAffinityCookies;
  return Object.keys(cookies).length ? cookies : undefined;
}

function expiringCookie(current: readonly HttpRoute[]): string | undefined {
  return cookieOf(current.find((r) => r.name === EXPIRE_CANARY_COOKIE)?.headers?.response?.add?.[SET_COOKIE]);
}
