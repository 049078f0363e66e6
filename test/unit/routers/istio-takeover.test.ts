import { beforeEach, describe, expect, it } from 'vitest';
import type { Canary } from '../../../src/api/index.js';
import type { KubeObject } from '../../../src/kube/types.js';
import { DESTINATION_RULE, IstioRouter, VIRTUAL_SERVICE } from '../../../src/routers/istio.js';
import { ORIGINAL_ANNOTATION } from '../../../src/routers/istio-takeover.js';
import { RouterError } from '../../../src/routers/types.js';
import { cluster, DEPLOYMENT, deploymentObject, makeCanary, NS, ref, SERVICE, settled } from '../workloads/fixtures.js';

type Cluster = Awaited<ReturnType<typeof cluster>>;

/** The user's own VirtualService, as Flagger's Istio tutorials have users write one: gateways, hosts, retries. */
const userSpec = {
  hosts: ['app.example.com'],
  gateways: ['istio-system/public-gateway'],
  http: [{ retries: { attempts: 3, perTryTimeout: '1s' }, route: [{ destination: { host: 'podinfo', port: { number: 9898 } } }] }],
};
const userVirtualService = (): KubeObject => ({
  apiVersion: VIRTUAL_SERVICE.apiVersion,
  kind: VIRTUAL_SERVICE.kind,
  metadata: { name: 'podinfo', namespace: NS, labels: { team: 'web' }, annotations: { 'example.com/owner': 'web-team' } },
  spec: { ...userSpec, exportTo: ['.'] },
});

const canary = (): Canary =>
  makeCanary({ spec: { provider: 'istio', revertOnDeletion: true, service: { port: 9898, hosts: ['app.example.com'], gateways: ['istio-system/public-gateway'] } } });

describe('IstioRouter and the user\'s own VirtualService', () => {
  let c: Cluster;
  let router: IstioRouter;
  const stored = async () => (await c.kube.get(ref(VIRTUAL_SERVICE, 'podinfo'))) as KubeObject;
  const step = async (run: () => Promise<void>) => {
    await run();
    await settled();
  };

  beforeEach(async () => {
    c = await cluster([DEPLOYMENT, SERVICE, VIRTUAL_SERVICE, DESTINATION_RULE]);
    router = new IstioRouter({ kube: c.client, cache: c.cache });
    await c.kube.create(deploymentObject());
    await c.kube.create(userVirtualService());
    await settled();
  });

  it('records its spec once when taking it over, and never makes it the Canary\'s (deleting the Canary keeps it)', async () => {
    await step(() => router.reconcile(canary()));
    const taken = await stored();
    expect(JSON.parse(taken.metadata.annotations?.[ORIGINAL_ANNOTATION] ?? 'null')).toEqual({ ...userSpec, exportTo: ['.'] });
    expect((taken.metadata as { ownerReferences?: unknown[] }).ownerReferences).toBeUndefined();
    // Pennant's routes, and what Pennant does not declare is left as the user made it.
    expect((taken.spec as { http: { route: { destination: { host: string } }[] }[] }).http[0]?.route.map((d) => d.destination.host)).toEqual(['podinfo-primary', 'podinfo-canary']);
    expect((taken.spec as { exportTo?: string[] }).exportTo).toEqual(['.']);
    expect(taken.metadata.labels).toEqual({ team: 'web' });
    expect(taken.metadata.annotations?.['example.com/owner']).toBe('web-team');

    await step(() => router.setRoutes(canary(), { primary: 90, canary: 10, mirror: false }));
    await step(() => router.reconcile(canary()));
    expect((await stored()).metadata.annotations?.[ORIGINAL_ANNOTATION]).toBe(taken.metadata.annotations?.[ORIGINAL_ANNOTATION]);
  });

  it('revertOnDeletion gives it back its original spec (gateways, hosts, retries) and drops Pennant\'s metadata', async () => {
    await step(() => router.reconcile(canary()));
    await step(() => router.setRoutes(canary(), { primary: 50, canary: 50, mirror: false }));
    await step(() => router.finalize(canary()));
    const back = await stored();
    expect(back.spec).toEqual({ ...userSpec, exportTo: ['.'] });
    expect(back.metadata.labels).toEqual({ team: 'web' });
    expect(back.metadata.annotations).toEqual({ 'example.com/owner': 'web-team' });
    expect((back.metadata as { ownerReferences?: unknown[] }).ownerReferences).toBeUndefined();
  });

  it('a VirtualService Pennant generated is its own: no record, owned by the Canary, and handed back to the apex Service', async () => {
    await c.kube.delete(ref(VIRTUAL_SERVICE, 'podinfo'));
    await settled();
    await step(() => router.reconcile(canary()));
    await step(() => router.reconcile(canary()));
    const generated = await stored();
    expect(generated.metadata.annotations?.[ORIGINAL_ANNOTATION]).toBeUndefined();
    expect((generated.metadata as { ownerReferences?: unknown[] }).ownerReferences).toHaveLength(1);
    await step(() => router.finalize(canary()));
    const http = ((await stored()).spec as { http: { route: { destination: { host: string } }[] }[] }).http;
    expect(http.map((route) => route.route.map((d) => d.destination.host))).toEqual([['podinfo']]);
  });

  it('a record that is not JSON is a RouterError saying what to do, and changes nothing', async () => {
    await step(() => router.reconcile(canary()));
    await c.kube.patch(ref(VIRTUAL_SERVICE, 'podinfo'), { metadata: { annotations: { [ORIGINAL_ANNOTATION]: 'not json' } } });
    await settled();
    const before = await stored();
    await expect(router.finalize(canary())).rejects.toThrow(RouterError);
    await expect(router.finalize(canary())).rejects.toThrow(/restore it by hand/);
    expect((await stored()).spec).toEqual(before.spec);
  });
});
