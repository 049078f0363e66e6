import { describe, it } from 'vitest';
import type { Routes } from '../../../src/engine/index.js';
import { check, type Row } from './expect-decision.js';
import { at, fail, initialized, makeCanary, progressing, world } from './fixtures.js';

// Flagger's status.sessionAffinityCookie, primarySessionAffinityCookie and previousSessionAffinityCookie,
// mirrored from the cookies the router reports in use (obs.routes.cookies).
const sticky = { sessionAffinity: { cookieName: 'flagger-cookie', primaryCookieName: 'primary-cookie' } };
const v2 = { revision: 'v2', replicas: 2 };
const tick = at(60);
const at10 = (cookies?: Routes['cookies']): Routes => ({ primary: 90, canary: 10, mirror: false, ...(cookies ? { cookies } : {}) });
const live = { canary: 'flagger-cookie=abcdefghij', primary: 'primary-cookie=klmnopqrst' };

const rows: Row[] = [
  {
    rule: 'the cookies the routes hand out are the status cookies',
    canary: makeCanary(sticky, progressing({ canaryWeight: 10 })),
    obs: world({ routes: at10(live) }, v2),
    now: at(30),
    then: { status: { sessionAffinityCookie: live.canary, primarySessionAffinityCookie: live.primary }, absent: ['previousSessionAffinityCookie'] },
  },
  {
    rule: 'they stay while the weight goes up',
    canary: makeCanary(sticky, progressing({ canaryWeight: 10, sessionAffinityCookie: live.canary, primarySessionAffinityCookie: live.primary })),
    obs: world({ routes: at10(live) }, v2),
    now: tick,
    then: { weight: 20, status: { sessionAffinityCookie: live.canary, primarySessionAffinityCookie: live.primary } },
  },
  {
    rule: 'the step that sends the canary back to 0 makes its cookie the previous one at once (the router expires that one)',
    canary: makeCanary({ ...sticky, threshold: 2 }, progressing({ canaryWeight: 10, failedChecks: 1, sessionAffinityCookie: live.canary, primarySessionAffinityCookie: live.primary })),
    obs: world({ routes: at10(live) }, v2),
    now: tick,
    answers: { metrics: [fail()] },
    then: { phase: 'Failed', routes: { primary: 100, canary: 0, mirror: false }, status: { previousSessionAffinityCookie: live.canary }, absent: ['sessionAffinityCookie', 'primarySessionAffinityCookie'] },
  },
  {
    rule: 'the cookie the routes expire is the previous one',
    canary: makeCanary(sticky, initialized({ phase: 'Succeeded' })),
    obs: world({ routes: { primary: 100, canary: 0, mirror: false, cookies: { expired: live.canary } } }),
    now: tick,
    then: { phase: 'Succeeded', status: { previousSessionAffinityCookie: live.canary }, absent: ['sessionAffinityCookie'] },
  },
  {
    rule: 'the previous cookie stays into the next run until a newer one replaces it, as in Flagger',
    canary: makeCanary(sticky, progressing({ canaryWeight: 10, previousSessionAffinityCookie: 'flagger-cookie=oldoldoldo' })),
    obs: world({ routes: at10({ canary: live.canary }) }, v2),
    now: at(30),
    then: { status: { sessionAffinityCookie: live.canary, previousSessionAffinityCookie: 'flagger-cookie=oldoldoldo' } },
  },
  {
    rule: 'a cookie the routes no longer hand out leaves the status',
    canary: makeCanary(sticky, progressing({ canaryWeight: 10, sessionAffinityCookie: live.canary, primarySessionAffinityCookie: live.primary })),
    obs: world({ routes: at10() }, v2),
    now: at(30),
    then: { absent: ['sessionAffinityCookie', 'primarySessionAffinityCookie', 'previousSessionAffinityCookie'] },
  },
];

describe('session affinity cookies in status', () => {
  it.each(rows)('$rule', check);
});
