import { beforeEach, describe, expect, it } from 'vitest';
import type { Canary, CanaryService } from '../../src/api/index.js';
import type { ClusterCache } from '../../src/controller/cluster-cache.js';
import type { Routes } from '../../src/engine/types.js';
import type { MemoryKube } from '../../src/kube/memory.js';
import type { KubeClient, KubeObject, ResourceType } from '../../src/kube/types.js';
import { type Router, type RouterDeps, RouterError } from '../../src/routers/types.js';
import {
  cluster, container, DEPLOYMENT, deploymentObject, makeCanary, NS, ownerOf, ref, SERVICE, settled, type WriteLog,
} from '../unit/workloads/fixtures.js';

export interface RouterContractOptions {
  /** Resource types of the router's own objects (besides Services), to watch and to check for writes. */
  providerTypes: ResourceType[];
  /** What the router needs in spec.service besides the port (e.g. gatewayRefs). */
  service?: Partial<CanaryService>;
}

interface Env {
  kube: MemoryKube;
  client: KubeClient & WriteLog;
  cache: ClusterCache;
  router: Router;
}

interface ServiceShape {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: unknown[]; resourceVersion?: string };
  spec: { type: string; selector: Record<string, string>; ports: { name: string; port: number; targetPort: number | string; protocol: string }[] };
}

const r = (primary: number, canary: number, mirror = false): Routes => ({ primary, canary, mirror });

/** Every route a router with these capabilities must store and report back unchanged. */
export function routesAllowed(router: Router): Routes[] {
  const routes = [r(100, 0), r(0, 100)];
  if (router.capabilities.weights) routes.push(r(99, 1), r(90, 10), r(50, 50), r(1, 99));
  if (router.capabilities.mirror) routes.push(r(100, 0, true), r(90, 10, true));
  return routes;
}

/** Routes it must refuse with a RouterError. */
export function routesRefused(router: Router): Routes[] {
  const routes = [r(60, 60), r(10, 10)];
  if (!router.capabilities.weights) routes.push(r(90, 10), r(50, 50));
  return routes;
}

/**
 * The behaviour every Router must have, over the in-memory cluster: the Services it generates, the
 * routes it stores and reports, and that a reconcile with nothing to change writes nothing.
 */
export function runRouterContract(name: string, makeRouter: (deps: RouterDeps) => Router, options: RouterContractOptions): void {
  describe(`Router contract: ${name}`, () => {
    let env: Env;
    const canaryWith = (service: Partial<CanaryService> = {}, extra: Parameters<typeof makeCanary>[0] = {}): Canary =>
      makeCanary({ ...extra, spec: { ...extra.spec, service: { port: 9898, ...options.service, ...service } } });
    const service = async (svcName: string) => (await env.kube.get(ref(SERVICE, svcName))) as unknown as ServiceShape | null;
    const allObjects = async (): Promise<KubeObject[]> =>
      (await Promise.all([SERVICE, ...options.providerTypes].map((t) => env.kube.list(t, { namespace: NS })))).flat();
    const versions = async () => Object.fromEntries((await allObjects()).map((o) => [`${o.kind}/${o.metadata.name}`, o.metadata.resourceVersion]));
    const reconcile = async (canary: Canary) => {
      await env.router.reconcile(canary);
      await settled();
    };
    const setRoutes = async (canary: Canary, routes: Routes) => {
      await env.router.setRoutes(canary, routes);
      await settled();
    };

    beforeEach(async () => {
      const c = await cluster([DEPLOYMENT, SERVICE, ...options.providerTypes]);
      env = { ...c, router: makeRouter({ kube: c.client, cache: c.cache }) };
      await c.kube.create(deploymentObject({
        podSpec: {
          containers: [
            container({ ports: [{ name: 'http', containerPort: 9898, protocol: 'TCP' }, { name: 'grpc', containerPort: 9999, protocol: 'TCP' }, { name: 'dns', containerPort: 53, protocol: 'UDP' }, { containerPort: 7070 }] }),
            { name: 'sidecar', image: 'envoy', ports: [{ name: 'admin', containerPort: 15000 }, { name: 'grpc', containerPort: 9999 }] },
          ],
        },
      }));
      await settled();
    });

    describe('reconcile generates the apex, -primary and -canary Services', () => {
      it('with the selectors that pick the primary and the canary pods, one http port, owned by the Canary', async () => {
        const canary = canaryWith();
        await reconcile(canary);
        const port = { name: 'http', port: 9898, targetPort: 9898, protocol: 'TCP' };
        for (const [svcName, selects] of [['podinfo', 'podinfo-primary'], ['podinfo-primary', 'podinfo-primary'], ['podinfo-canary', 'podinfo']] as const) {
          const svc = await service(svcName);
          expect(svc?.spec.type, svcName).toBe('ClusterIP');
          expect(svc?.spec.selector, svcName).toEqual({ app: selects });
          expect(svc?.spec.ports, svcName).toEqual([port]);
          expect(svc?.metadata.ownerReferences, svcName).toEqual([ownerOf(canary)]);
          expect(svc?.metadata.labels, svcName).toEqual({ app: svcName });
        }
      });

      interface PortRow { rule: string; service: Partial<CanaryService>; ports: ServiceShape['spec']['ports'] }
      it.each<PortRow>([
        { rule: 'portName names the port', service: { portName: 'web' }, ports: [{ name: 'web', port: 9898, targetPort: 9898, protocol: 'TCP' }] },
        { rule: 'targetPort by number', service: { port: 80, targetPort: 9898 }, ports: [{ name: 'http', port: 80, targetPort: 9898, protocol: 'TCP' }] },
        { rule: 'targetPort by name', service: { port: 80, targetPort: 'http' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
        {
          rule: 'portDiscovery adds the other TCP container ports of every container, once each, not UDP ones nor the main port',
          service: { portDiscovery: true },
          ports: [
            { name: 'http', port: 9898, targetPort: 9898, protocol: 'TCP' },
            { name: 'grpc', port: 9999, targetPort: 9999, protocol: 'TCP' },
            { name: 'tcp-7070', port: 7070, targetPort: 7070, protocol: 'TCP' },
            { name: 'admin', port: 15000, targetPort: 15000, protocol: 'TCP' },
          ],
        },
        {
          rule: 'portDiscovery skips the container port the main port targets by name',
          service: { port: 80, targetPort: 'grpc', portDiscovery: true },
          ports: [
            { name: 'http', port: 80, targetPort: 'grpc', protocol: 'TCP' },
            { name: 'tcp-7070', port: 7070, targetPort: 7070, protocol: 'TCP' },
            { name: 'admin', port: 15000, targetPort: 15000, protocol: 'TCP' },
          ],
        },
      ])('$rule', async ({ service: extra, ports }) => {
        await reconcile(canaryWith(extra));
        for (const svcName of ['podinfo', 'podinfo-primary', 'podinfo-canary']) {
          expect((await service(svcName))?.spec.ports, svcName).toEqual(ports);
        }
      });

      it('service.name names the Services', async () => {
        await reconcile(canaryWith({ name: 'frontend' }));
        expect((await service('frontend'))?.spec.selector).toEqual({ app: 'podinfo-primary' });
        expect((await service('frontend-primary'))?.spec.selector).toEqual({ app: 'podinfo-primary' });
        expect((await service('frontend-canary'))?.spec.selector).toEqual({ app: 'podinfo' });
        expect(await service('podinfo')).toBeNull();
      });

      it('apex, primary and canary metadata go to their own Service', async () => {
        await reconcile(canaryWith({
          apex: { labels: { role: 'apex' }, annotations: { 'a/apex': '1' } },
          primary: { labels: { role: 'primary' }, annotations: { 'a/primary': '1' } },
          canary: { labels: { role: 'canary' }, annotations: { 'a/canary': '1' } },
        }));
        for (const [svcName, role] of [['podinfo', 'apex'], ['podinfo-primary', 'primary'], ['podinfo-canary', 'canary']] as const) {
          const svc = await service(svcName);
          expect(svc?.metadata.labels, svcName).toEqual({ app: svcName, role });
          expect(svc?.metadata.annotations, svcName).toEqual(expect.objectContaining({ [`a/${role}`]: '1' }));
          expect(Object.keys(svc?.metadata.annotations ?? {}).filter((k) => k.startsWith('a/')), svcName).toEqual([`a/${role}`]);
        }
      });

      it('a target that is missing is a RouterError naming it', async () => {
        const canary = canaryWith({}, { spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'absent' } } });
        await expect(env.router.reconcile(canary)).rejects.toThrow(RouterError);
        await expect(env.router.reconcile(canary)).rejects.toThrow(`Deployment ${NS}/absent not found`);
      });

      it.each<[string, Partial<CanaryService>, Partial<CanaryService>, (svc: ServiceShape | null) => unknown, unknown]>([
        ['an added label is applied', { apex: { labels: { a: '1' } } }, { apex: { labels: { a: '1', b: '2' } } }, (svc) => svc?.metadata.labels, { app: 'podinfo', a: '1', b: '2' }],
        ['a removed label is removed', { apex: { labels: { a: '1', b: '2' } } }, { apex: { labels: { a: '1' } } }, (svc) => svc?.metadata.labels, { app: 'podinfo', a: '1' }],
        ['a removed annotation is removed', { apex: { annotations: { 'a/x': '1' } } }, {}, (svc) => svc?.metadata.annotations?.['a/x'], undefined],
        ['a discovered port no longer asked for is removed', { portDiscovery: true }, {}, (svc) => svc?.spec.ports.map((p) => p.name), ['http']],
      ])('follows a changed Canary: %s', async (_, before, after, read, expected) => {
        await reconcile(canaryWith(before));
        await reconcile(canaryWith(after));
        expect(read(await service('podinfo'))).toEqual(expected);
      });
    });

    describe('routes', () => {
      it('getRoutes is null before reconcile and all to the primary after it', async () => {
        const canary = canaryWith();
        expect(env.router.getRoutes(canary)).toBeNull();
        await reconcile(canary);
        expect(env.router.getRoutes(canary)).toEqual(r(100, 0));
      });

      it('setRoutes then getRoutes gives back every route the capabilities allow, from every other one', async () => {
        const canary = canaryWith();
        await reconcile(canary);
        for (const from of routesAllowed(env.router)) {
          for (const to of routesAllowed(env.router)) {
            await setRoutes(canary, from);
            await setRoutes(canary, to);
            expect(env.router.getRoutes(canary), `${JSON.stringify(from)} → ${JSON.stringify(to)}`).toEqual(to);
          }
        }
      });

      it('refuses routes it cannot express, with a RouterError, and changes nothing', async () => {
        const canary = canaryWith();
        await reconcile(canary);
        const before = await versions();
        for (const routes of routesRefused(env.router)) {
          await expect(env.router.setRoutes(canary, routes), JSON.stringify(routes)).rejects.toThrow(RouterError);
        }
        expect(await versions()).toEqual(before);
      });

      it('reconcile after setRoutes keeps the current routes (never resets weights)', async () => {
        const canary = canaryWith();
        await reconcile(canary);
        for (const routes of routesAllowed(env.router)) {
          await setRoutes(canary, routes);
          await reconcile(canary);
          expect(env.router.getRoutes(canary), JSON.stringify(routes)).toEqual(routes);
        }
      });

      it('every object it generates tells Flux to keep its hands off (kustomize reconcile and Helm drift detection disabled)', async () => {
        const canary = canaryWith();
        await reconcile(canary);
        const generated = (o: KubeObject) => ((o.metadata as { ownerReferences?: { uid?: string }[] }).ownerReferences ?? []).some((r) => r.uid === canary.metadata.uid);
        const objects = (await allObjects()).filter(generated);
        expect(objects.length).toBeGreaterThanOrEqual(3 + options.providerTypes.length);
        for (const obj of objects) {
          expect(obj.metadata.annotations, `${obj.kind}/${obj.metadata.name ?? ''}`).toEqual(expect.objectContaining({
            'kustomize.toolkit.fluxcd.io/reconcile': 'disabled',
            'helm.toolkit.fluxcd.io/driftDetection': 'disabled',
          }));
        }
      });

      it('what finalize hands back no longer keeps Flux away', async () => {
        const canary = canaryWith();
        await reconcile(canary);
        await env.router.finalize(canary);
        await settled();
        const annotations = (await service('podinfo'))?.metadata.annotations ?? {};
        expect(annotations['kustomize.toolkit.fluxcd.io/reconcile']).toBeUndefined();
        expect(annotations['helm.toolkit.fluxcd.io/driftDetection']).toBeUndefined();
      });

      it('finalize hands traffic back to the target pods, through an apex Service that outlives the Canary', async () => {
        const canary = canaryWith();
        await reconcile(canary);
        await setRoutes(canary, routesAllowed(env.router).at(-1) ?? r(100, 0));
        await env.router.finalize(canary);
        await settled();
        const apex = await service('podinfo');
        expect(apex?.spec.selector).toEqual({ app: 'podinfo' });
        expect((apex?.metadata as { ownerReferences?: unknown[] }).ownerReferences ?? []).toEqual([]);
      });
    });

    describe('a user\'s own apex Service (it existed before the Canary)', () => {
      const USER_PORTS = [{ name: 'http', port: 80, targetPort: 9898, protocol: 'TCP', nodePort: 30080 }, { name: 'metrics', port: 9797, targetPort: 9797, protocol: 'TCP', nodePort: 30097 }];
      const userApex = (): KubeObject => ({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'podinfo', namespace: NS, labels: { team: 'a' }, annotations: { 'user/keep': 'yes' } },
        spec: { type: 'NodePort', selector: { app: 'podinfo', tier: 'web' }, ports: USER_PORTS, sessionAffinity: 'ClientIP' },
      });
      const adopted = async () => {
        await env.kube.create(userApex());
        await settled();
        expect(env.router.getRoutes(canaryWith()), 'a user Service is not a route of ours').toBeNull();
        const canary = canaryWith({ port: 80, targetPort: 9898, apex: { labels: { role: 'apex' } } });
        await reconcile(canary);
        return canary;
      };

      it('is adopted: it selects exactly the primary, with the Canary\'s ports; its type, node ports and the user\'s metadata stay, and the Canary never owns it', async () => {
        const canary = await adopted();
        const apex = await service('podinfo');
        expect(apex?.spec.selector).toEqual({ app: 'podinfo-primary' });
        expect(apex?.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 9898, protocol: 'TCP', nodePort: 30080 }]);
        expect(apex?.spec.type).toBe('NodePort');
        expect((apex?.spec as { sessionAffinity?: string }).sessionAffinity).toBe('ClientIP');
        expect(apex?.metadata.labels).toEqual({ team: 'a', role: 'apex' });
        expect(apex?.metadata.annotations).toEqual(expect.objectContaining({ 'user/keep': 'yes' }));
        expect(apex?.metadata.ownerReferences ?? []).toEqual([]);
        expect(env.router.getRoutes(canary)).toEqual(r(100, 0));
      });

      it('a second reconcile writes nothing', async () => {
        const canary = await adopted();
        env.client.writes.length = 0;
        await reconcile(canary);
        expect(env.client.writes).toEqual([]);
      });

      it('a selector someone resets to the target is taken back, or (where the apex is the route) reported as the route it now is', async () => {
        const canary = await adopted();
        await env.kube.patch(ref(SERVICE, 'podinfo'), { spec: { selector: { app: 'podinfo' } } });
        await settled();
        await reconcile(canary);
        // The kubernetes provider's routes are the apex selector: the engine sees all traffic on the
        // canary, which its status does not say, and routes it back (test/unit/engine/idle.test.ts).
        if (env.router.capabilities.weights) expect((await service('podinfo'))?.spec.selector).toEqual({ app: 'podinfo-primary' });
        else expect(env.router.getRoutes(canary)).toEqual(r(0, 100));
      });

      it('finalize gives it back exactly the selector and ports it had', async () => {
        const canary = await adopted();
        await setRoutes(canary, routesAllowed(env.router).at(-1) ?? r(100, 0));
        await env.router.finalize(canary);
        await settled();
        const apex = await service('podinfo');
        expect(apex?.spec.selector).toEqual({ app: 'podinfo', tier: 'web' });
        expect(apex?.spec.ports).toEqual(USER_PORTS);
        expect(Object.keys(apex?.metadata.annotations ?? {}).filter((k) => k.startsWith('pennant.dev/'))).toEqual([]);
        expect(apex?.metadata.ownerReferences ?? []).toEqual([]);
      });
    });

    describe('writes only when something changes', () => {
      it('a second reconcile with nothing changed makes no write', async () => {
        const canary = canaryWith({ apex: { labels: { x: 'y' } }, portDiscovery: true, headless: false });
        await reconcile(canary);
        const before = await versions();
        expect(Object.keys(before).length).toBeGreaterThanOrEqual(3);
        env.client.writes.length = 0;
        await reconcile(canary);
        expect(env.client.writes).toEqual([]);
        expect(await versions()).toEqual(before);
      });

      it('setting the routes they already have makes no write', async () => {
        const canary = canaryWith();
        await reconcile(canary);
        for (const routes of routesAllowed(env.router)) {
          await setRoutes(canary, routes);
          env.client.writes.length = 0;
          await setRoutes(canary, routes);
          expect(env.client.writes, JSON.stringify(routes)).toEqual([]);
        }
      });

      it('a reconcile that changes one Service writes only that one', async () => {
        await reconcile(canaryWith());
        env.client.writes.length = 0;
        await reconcile(canaryWith({ canary: { labels: { extra: 'yes' } } }));
        expect(env.client.writes).toEqual(['apply Service/podinfo-canary']);
      });

      it.each<[string, string, unknown, (svc: ServiceShape | null) => unknown, unknown]>([
        ['an apex selector (read as all to the primary)', 'podinfo', { spec: { selector: { app: 'something-else' } } }, (svc) => svc?.spec.selector, { app: 'podinfo-primary' }],
        ['a -canary selector', 'podinfo-canary', { spec: { selector: { app: 'something-else' } } }, (svc) => svc?.spec.selector, { app: 'podinfo' }],
        ['a -primary selector', 'podinfo-primary', { spec: { selector: { app: 'something-else' } } }, (svc) => svc?.spec.selector, { app: 'podinfo-primary' }],
        ['an apex port', 'podinfo', [{ op: 'replace', path: '/spec/ports/0/targetPort', value: 8080 }], (svc) => svc?.spec.ports, [{ name: 'http', port: 9898, targetPort: 9898, protocol: 'TCP' }]],
        ['a label of ours', 'podinfo', { metadata: { labels: { app: 'changed' } } }, (svc) => svc?.metadata.labels?.app, 'podinfo'],
      ])('repairs %s someone else changed', async (_, svcName, patch, read, expected) => {
        const canary = canaryWith();
        await reconcile(canary);
        await env.kube.withFieldManager('kubectl-edit').patch(ref(SERVICE, svcName), patch, Array.isArray(patch) ? 'json' : 'merge');
        await settled();
        await reconcile(canary);
        expect(read(await service(svcName))).toEqual(expected);
        // …and says so on the Canary: a Warning Event.
        const events = await env.kube.list({ apiVersion: 'v1', kind: 'Event' }, { namespace: NS });
        const drift = events.filter((e) => (e as { reason?: string }).reason === 'RoutingDrift');
        expect(drift.map((e) => (e as { involvedObject?: { kind?: string; name?: string } }).involvedObject)).toEqual([expect.objectContaining({ kind: 'Canary', name: canary.metadata.name })]);
        expect((drift[0] as { message?: string } | undefined)?.message).toContain(`Service ${NS}/${svcName}`);
      });

      it('a change of its own (a new Canary spec) is no drift: no Event', async () => {
        await reconcile(canaryWith());
        await reconcile(canaryWith({ apex: { labels: { changed: 'yes' } } }));
        const events = await env.kube.list({ apiVersion: 'v1', kind: 'Event' }, { namespace: NS });
        expect(events.filter((e) => (e as { reason?: string }).reason === 'RoutingDrift')).toEqual([]);
      });

      it('leaves what another manager added and it does not declare (a label, a port, an owner), and then writes nothing', async () => {
        const canary = canaryWith();
        await reconcile(canary);
        const argo = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', name: 'shop', uid: 'uid-argo' };
        const metrics = { name: 'metrics', port: 9797, targetPort: 9797, protocol: 'TCP' };
        const other: KubeObject = {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'podinfo-canary', namespace: NS, labels: { 'argocd.argoproj.io/instance': 'shop' }, ownerReferences: [argo] },
          spec: { ports: [metrics] },
        };
        await env.kube.apply(other, { fieldManager: 'argocd-controller' });
        await settled();
        env.client.writes.length = 0;
        await reconcile(canary);
        expect(env.client.writes).toEqual([]);
        await reconcile(canaryWith({ canary: { labels: { extra: 'yes' } } }));
        const svc = await service('podinfo-canary');
        expect(svc?.metadata.labels).toEqual({ app: 'podinfo-canary', extra: 'yes', 'argocd.argoproj.io/instance': 'shop' });
        expect(svc?.spec.ports.map((p) => p.name).sort()).toEqual(['http', 'metrics']);
        expect(svc?.metadata.ownerReferences).toEqual(expect.arrayContaining([ownerOf(canary), argo]));
      });
    });
  });
}
