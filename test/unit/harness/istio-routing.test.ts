import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Canary } from '../../../src/api/index.js';
import type { Routes } from '../../../src/engine/types.js';
import type { KubeObject } from '../../../src/kube/types.js';
import { DESTINATION_RULE, IstioRouter, VIRTUAL_SERVICE } from '../../../src/routers/istio.js';
import { startTrafficSimulator, type TrafficSimulator } from '../../harness/index.js';
import { routingFromVirtualService } from '../../harness/istio-routing.js';
import { routingReaderFor } from '../../harness/routing-readers.js';
import { createSimPods, simDeployment } from '../../harness/sim-fixtures.js';
import { splitTraffic } from '../../harness/traffic-split.js';
import { cluster, DEPLOYMENT, makeCanary, SERVICE, settled } from '../workloads/fixtures.js';
import { parseExposition } from './promql-selectors.js';

const NS = 'test';
const vs = (http: unknown[]): KubeObject => ({ apiVersion: VIRTUAL_SERVICE.apiVersion, kind: 'VirtualService', metadata: { name: 'podinfo', namespace: NS }, spec: { http } });
const to = (host: string, weight?: number) => ({ destination: { host }, ...(weight !== undefined ? { weight } : {}) });
const split = (obj: KubeObject, abMatchFraction = 0.25) => {
  const routing = routingFromVirtualService(obj, NS);
  return routing && Object.fromEntries(splitTraffic(routing, { rate: 100, abMatchFraction }));
};

describe('routingFromVirtualService', () => {
  it.each<[string, unknown[], Record<string, number>]>([
    ['weights of the -primary and -canary destinations', [{ route: [to('podinfo-primary', 70), to('podinfo-canary', 30)] }], { 'podinfo-primary': 70, 'podinfo-canary': 30 }],
    ['hosts written as FQDNs', [{ route: [to(`podinfo-primary.${NS}.svc.cluster.local`, 50), to(`podinfo-canary.${NS}`, 50)] }], { 'podinfo-primary': 50, 'podinfo-canary': 50 }],
    ['a lone destination gets everything, weight or not', [{ route: [to('podinfo')] }], { podinfo: 100 }],
    [
      'a header (or cookie) match is the A/B rule, taken by the matching fraction',
      [{ match: [{ headers: { cookie: { regex: '^(.*?;)?(type=insider)(;.*)?$' } } }], route: [to('podinfo-primary', 0), to('podinfo-canary', 100)] }, { route: [to('podinfo-primary', 100), to('podinfo-canary', 0)] }],
      { 'podinfo-canary': 25, 'podinfo-primary': 75 },
    ],
    ['a uri match alone is not an A/B rule', [{ match: [{ uri: { prefix: '/api' } }], route: [to('podinfo-primary', 90), to('podinfo-canary', 10)] }], { 'podinfo-primary': 90, 'podinfo-canary': 10 }],
    ['mirroring with mirrorPercentage', [{ route: [to('podinfo-primary', 100), to('podinfo-canary', 0)], mirror: { host: 'podinfo-canary' }, mirrorPercentage: { value: 40 } }], { 'podinfo-primary': 100, 'podinfo-canary': 40 }],
    ['mirroring without mirrorPercentage copies everything', [{ route: [to('podinfo-primary', 100)], mirror: { host: 'podinfo-canary' } }], { 'podinfo-primary': 100, 'podinfo-canary': 100 }],
    [
      'session-affinity routes are skipped: simulated clients carry no cookie',
      [
        { name: 'sticky-canary', match: [{ headers: { cookie: { regex: '.*c.*v.*' } } }], route: [to('podinfo-primary', 0), to('podinfo-canary', 100)] },
        { route: [to('podinfo-primary', 80), to('podinfo-canary', 20)] },
      ],
      { 'podinfo-primary': 80, 'podinfo-canary': 20 },
    ],
  ])('%s', (_, http, expected) => {
    expect(split(vs(http))).toEqual(expected);
  });

  it('something that is not a VirtualService routes nothing', () => {
    expect(routingFromVirtualService({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {}, data: {} }, NS)).toBeUndefined();
  });

  it('is the reader for provider istio, watching VirtualServices', () => {
    expect(routingReaderFor('istio').watches).toEqual([VIRTUAL_SERVICE]);
  });
});

describe('traffic simulator over what the IstioRouter wrote', () => {
  const RATE = 100;
  const SECONDS = 10;
  let sim: TrafficSimulator | undefined;
  let c: Awaited<ReturnType<typeof cluster>>;
  let router: IstioRouter;

  beforeEach(async () => {
    c = await cluster([DEPLOYMENT, SERVICE, VIRTUAL_SERVICE, DESTINATION_RULE]);
    router = new IstioRouter({ kube: c.client, cache: c.cache });
    await c.kube.create(simDeployment({ namespace: NS, name: 'podinfo', errorRate: 0, latencyMs: 20 }));
    await c.kube.create(simDeployment({ namespace: NS, name: 'podinfo-primary', errorRate: 0, latencyMs: 20 }));
    await createSimPods(c.kube, { namespace: NS, app: 'podinfo', count: 2 });
    await createSimPods(c.kube, { namespace: NS, app: 'podinfo-primary', count: 2 });
    await settled();
  });
  afterEach(async () => {
    await sim?.stop();
  });

  async function served(canary: Canary, routes: Routes | null, abMatchFraction = 0.5) {
    await router.reconcile(canary);
    await settled();
    if (routes) await router.setRoutes(canary, routes);
    await settled();
    sim = await startTrafficSimulator({ kube: c.kube, apps: [{ namespace: NS, service: 'podinfo', target: 'podinfo', provider: 'istio' }], rate: RATE, abMatchFraction, autoTick: false });
    sim.step(SECONDS);
    const { workloads } = sim.stats();
    return { primary: workloads[`${NS}/podinfo-primary`]?.requests ?? 0, canary: workloads[`${NS}/podinfo`]?.requests ?? 0 };
  }

  it('weights: 80/20', async () => {
    expect(await served(makeCanary({ spec: { provider: 'istio' } }), { primary: 80, canary: 20, mirror: false })).toEqual({ primary: 800, canary: 200 });
  });

  it('A/B: the requests carrying the header go to the canary', async () => {
    const canary = makeCanary({ spec: { provider: 'istio' }, analysis: { iterations: 5, match: [{ headers: { 'x-canary': { exact: 'insider' } } }] } });
    expect(await served(canary, { primary: 0, canary: 100, mirror: false, matchedOnly: true }, 0.3)).toEqual({ primary: 700, canary: 300 });
  });

  it('mirroring: mirrorWeight of the requests are copied to the canary', async () => {
    const canary = makeCanary({ spec: { provider: 'istio' }, analysis: { mirror: true, mirrorWeight: 30 } });
    expect(await served(canary, { primary: 100, canary: 0, mirror: true })).toEqual({ primary: 1000, canary: 300 });
  });

  it('session affinity: cookie routes are ignored, the weights apply', async () => {
    const canary = { ...makeCanary({ spec: { provider: 'istio' }, analysis: { sessionAffinity: { cookieName: 'c' } } }), status: { lastAppliedSpec: 'r1' } };
    expect(await served(canary, { primary: 60, canary: 40, mirror: false })).toEqual({ primary: 600, canary: 400 });
  });

  it('exports istio_requests_total per destination workload, as the builtin Istio queries select it', async () => {
    await served(makeCanary({ spec: { provider: 'istio' } }), { primary: 50, canary: 50, mirror: false });
    const series = parseExposition(await (await fetch(`${sim?.url ?? ''}/metrics`)).text()).filter((s) => s.name === 'istio_requests_total');
    const total = (workload: string) => series.filter((s) => s.labels.destination_workload === workload && s.labels.reporter === 'destination').reduce((sum, s) => sum + s.value, 0);
    expect(total('podinfo')).toBe(500);
    expect(total('podinfo-primary')).toBe(500);
  });
});
