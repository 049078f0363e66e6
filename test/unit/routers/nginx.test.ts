import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type Canary, canary as canarySchema } from '../../../src/api/index.js';
import type { Routes } from '../../../src/engine/types.js';
import type { KubeObject } from '../../../src/kube/types.js';
import { INGRESS, NginxRouter } from '../../../src/routers/nginx.js';
import { type Router, type RouterDeps, RouterError } from '../../../src/routers/types.js';
import { serviceName } from '../../../src/routers/services.js';
import { runRouterContract } from '../../contract/router-contract.js';
import { cluster, DEPLOYMENT, deploymentObject, makeCanary, NS, ownerOf, ref, SERVICE, settled } from '../workloads/fixtures.js';

type Cluster = Awaited<ReturnType<typeof cluster>>;
type Analysis = Canary['spec']['analysis'];

const EXAMPLES = resolve(import.meta.dirname, '../../fixtures/flagger/docs/complete');
const A = 'nginx.ingress.kubernetes.io';
const r = (primary: number, canary: number, mirror = false): Routes => ({ primary, canary, mirror });
const ab = (): Routes => ({ primary: 0, canary: 100, mirror: false, matchedOnly: true });
const ingressRef = (name = 'podinfo') => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' as const, name });

/** The user's Ingress of Flagger's NGINX tutorial: app.example.com → the apex Service. */
function userIngress(o: { name?: string; service?: string; port?: number; annotations?: Record<string, string>; spec?: Record<string, unknown> } = {}): KubeObject {
  const backend = { service: { name: o.service ?? 'podinfo', port: { number: o.port ?? 80 } } };
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: o.name ?? 'podinfo', namespace: NS, labels: { app: 'podinfo' }, annotations: o.annotations ?? { 'kubernetes.io/ingress.class': 'nginx' } },
    spec: o.spec ?? { rules: [{ host: 'app.example.com', http: { paths: [{ pathType: 'Prefix', path: '/', backend }] } }] },
  };
}

/**
 * The contract runs on Canaries without an ingressRef and a cluster without an Ingress; the nginx
 * router needs both, as a user provides them: an Ingress on the apex Service, named after it.
 */
function withUserIngress(router: NginxRouter, deps: RouterDeps): Router {
  const withRef = (canary: Canary): Canary => ({ ...canary, spec: { ...canary.spec, ingressRef: ingressRef(serviceName(canary)) } });
  return {
    provider: router.provider,
    capabilities: router.capabilities,
    watches: router.watches,
    reconcile: async (canary) => {
      const name = serviceName(canary);
      if (!(await deps.kube.get(ref(INGRESS, name)))) {
        await deps.kube.create(userIngress({ name, service: name, port: canary.spec.service?.port ?? 80 }));
        await settled();
      }
      await router.reconcile(withRef(canary));
    },
    setRoutes: (canary, routes) => router.setRoutes(withRef(canary), routes),
    getRoutes: (canary) => router.getRoutes(withRef(canary)),
    finalize: (canary) => router.finalize(withRef(canary)),
  };
}

runRouterContract('nginx', (deps) => withUserIngress(new NginxRouter(deps), deps), { providerTypes: [INGRESS] });

/** A Flagger example as a Pennant Canary, with the uid the API server would give it. */
function example(file: string): Canary {
  const text = readFileSync(join(EXAMPLES, file), 'utf8').replace(/flagger\.app\/v1\w+/g, 'pennant.dev/v1beta1');
  const parsed = canarySchema.parse(parse(text));
  return { ...parsed, metadata: { ...parsed.metadata, namespace: NS, uid: 'uid-example' } };
}

interface IngressShape {
  metadata: { name: string; labels?: Record<string, string>; annotations: Record<string, string>; ownerReferences?: unknown[] };
  spec: { ingressClassName?: string; tls?: unknown; defaultBackend?: unknown; rules?: { host?: string; http: { paths: { path: string; backend: { service: { name: string; port: unknown } } }[] } }[] };
}

describe('NginxRouter', () => {
  let c: Cluster;
  let router: NginxRouter;

  beforeEach(async () => {
    c = await cluster([DEPLOYMENT, SERVICE, INGRESS]);
    router = new NginxRouter({ kube: c.client, cache: c.cache });
    await c.kube.create(deploymentObject());
    await c.kube.create(userIngress({ port: 9898 }));
    await settled();
  });

  const canaryWith = (analysis: Partial<Analysis> = {}, spec: Partial<Canary['spec']> = {}): Canary =>
    makeCanary({ spec: { provider: 'nginx', ingressRef: ingressRef(), service: { port: 9898 }, ...spec }, analysis });
  const abTesting = (match: Analysis['match']) => canaryWith({ iterations: 10, match });
  const copy = async (name = 'podinfo-canary') => (await c.kube.get(ref(INGRESS, name))) as unknown as IngressShape | null;
  const canaryAnnotations = async () =>
    Object.fromEntries(Object.entries((await copy())?.metadata.annotations ?? {}).filter(([k]) => k.startsWith(`${A}/canary`)));
  const reconcile = async (canary: Canary) => {
    await router.reconcile(canary);
    await settled();
  };
  const setRoutes = async (canary: Canary, routes: Routes) => {
    await router.setRoutes(canary, routes);
    await settled();
  };

  it('has weights and match, no mirror, and watches Ingresses', () => {
    expect(router.capabilities).toEqual({ provider: 'nginx', weights: true, match: true, mirror: false, mirrorWeight: false, sessionAffinity: false });
    expect(router.watches).toEqual(expect.arrayContaining([INGRESS, SERVICE, DEPLOYMENT]));
  });

  describe("Flagger's NGINX tutorial, apiVersion swapped", () => {
    const tutorial = (): Canary => example('docs_gitbook_tutorials_nginx-progressive-delivery_1_Canary.yaml');

    beforeEach(async () => {
      await c.kube.delete(ref(INGRESS, 'podinfo'));
      await c.kube.create(userIngress());
      await settled();
    });

    it('copies the Ingress to podinfo-canary, on podinfo-canary:80, at weight 0, owned by the Canary', async () => {
      const canary = tutorial();
      await reconcile(canary);
      const written = await copy();
      expect(written?.metadata.ownerReferences).toEqual([ownerOf(canary)]);
      expect(written?.metadata.labels).toEqual({ app: 'podinfo' });
      expect(written?.metadata.annotations).toEqual(expect.objectContaining({ 'kubernetes.io/ingress.class': 'nginx', [`${A}/canary`]: 'true', [`${A}/canary-weight`]: '0' }));
      expect(written?.spec.rules).toEqual([
        { host: 'app.example.com', http: { paths: [{ pathType: 'Prefix', path: '/', backend: { service: { name: 'podinfo-canary', port: { number: 80 } } } }] } },
      ]);
      // The user's Ingress is not touched: it keeps sending to the apex, which selects the primary.
      const original = (await c.kube.get(ref(INGRESS, 'podinfo'))) as unknown as IngressShape;
      expect(original.spec.rules?.[0]?.http.paths[0]?.backend.service.name).toBe('podinfo');
      expect(((await c.kube.get(ref(SERVICE, 'podinfo')))?.spec as { selector: unknown }).selector).toEqual({ app: 'podinfo-primary' });
      expect(c.client.writes.filter((w) => w.includes('Ingress/podinfo') && !w.includes('podinfo-canary'))).toEqual([]);
    });

    it.each<[Routes, string]>([
      [r(95, 5), '5'],
      [r(90, 10), '10'],
      [r(50, 50), '50'],
      [r(0, 100), '100'],
      [r(100, 0), '0'],
    ])('its weight steps: %o is canary-weight %s', async (routes, weight) => {
      const canary = tutorial();
      await reconcile(canary);
      await setRoutes(canary, routes);
      expect(await canaryAnnotations()).toEqual({ [`${A}/canary`]: 'true', [`${A}/canary-weight`]: weight });
      expect(router.getRoutes(canary)).toEqual(routes);
    });
  });

  describe('A/B testing: analysis.match as canary-by-header / canary-by-cookie', () => {
    interface AbRow { rule: string; match: Analysis['match']; annotations: Record<string, string> }
    it.each<AbRow>([
      {
        rule: "Flagger's NGINX A/B example: a header or a cookie",
        match: [{ headers: { 'x-canary': { exact: 'insider' } } }, { headers: { cookie: { exact: 'canary' } } }],
        annotations: { 'canary-by-header': 'x-canary', 'canary-by-header-value': 'insider', 'canary-by-cookie': 'canary' },
      },
      { rule: 'header exact', match: [{ headers: { 'x-canary': { exact: 'insider' } } }], annotations: { 'canary-by-header': 'x-canary', 'canary-by-header-value': 'insider' } },
      { rule: 'header regex → pattern', match: [{ headers: { 'user-agent': { regex: '.*Firefox.*' } } }], annotations: { 'canary-by-header': 'user-agent', 'canary-by-header-pattern': '.*Firefox.*' } },
      { rule: 'header prefix → escaped pattern', match: [{ headers: { 'x-version': { prefix: 'v1.2' } } }], annotations: { 'canary-by-header': 'x-version', 'canary-by-header-pattern': '^v1\\.2.*' } },
      { rule: 'header suffix → escaped pattern', match: [{ headers: { 'x-host': { suffix: '.example.com' } } }], annotations: { 'canary-by-header': 'x-host', 'canary-by-header-pattern': '.*\\.example\\.com$' } },
      { rule: 'a cookie alone (Cookie header, any case)', match: [{ headers: { Cookie: { exact: 'beta' } } }], annotations: { 'canary-by-cookie': 'beta' } },
      {
        rule: 'the same header repeated is one',
        match: [{ headers: { 'x-canary': { exact: 'insider' } } }, { headers: { 'x-canary': { exact: 'insider' } } }],
        annotations: { 'canary-by-header': 'x-canary', 'canary-by-header-value': 'insider' },
      },
    ])('$rule', async ({ match, annotations }) => {
      const canary = abTesting(match);
      await reconcile(canary);
      await setRoutes(canary, ab());
      const prefixed = Object.fromEntries(Object.entries(annotations).map(([k, v]) => [`${A}/${k}`, v]));
      expect(await canaryAnnotations()).toEqual({ [`${A}/canary`]: 'true', [`${A}/canary-weight`]: '0', ...prefixed });
      expect(router.getRoutes(canary)).toEqual(ab());
    });

    interface RefusedRow { rule: string; match: Analysis['match']; message: RegExp }
    const refused: RefusedRow[] = [
      { rule: 'query parameters', match: [{ queryParams: { beta: { exact: 'on' } } }], message: /analysis\.match\[0\]\.queryParams/ },
      { rule: 'source labels', match: [{ sourceLabels: { app: 'frontend' } }], message: /analysis\.match\[0\]\.sourceLabels/ },
      { rule: 'two headers that must both hold', match: [{ headers: { 'x-a': { exact: '1' }, 'x-b': { exact: '2' } } }], message: /analysis\.match\[0\] has 2 headers/ },
      { rule: 'two different headers', match: [{ headers: { 'x-a': { exact: '1' } } }, { headers: { 'x-b': { exact: '2' } } }], message: /two header matches \(x-a, x-b\)/ },
      { rule: 'one header, two values', match: [{ headers: { 'x-a': { exact: '1' } } }, { headers: { 'x-a': { exact: '2' } } }], message: /two header matches/ },
      { rule: 'two cookies', match: [{ headers: { cookie: { exact: 'a' } } }, { headers: { cookie: { exact: 'b' } } }], message: /two cookies \(a, b\)/ },
      { rule: 'a cookie by regex (Istio style)', match: [{ headers: { cookie: { regex: '^(.*?;)?(canary=always)(;.*)?$' } } }], message: /cookie: \{ exact: <cookie name> \}/ },
      { rule: 'a header without a value to match', match: [{ headers: { 'x-a': {} } }], message: /analysis\.match\[0\]\.headers\.x-a has no exact, regex, prefix or suffix/ },
    ];

    it.each(refused)('cannot express $rule: a RouterError saying so, at reconcile and at setRoutes, nothing written', async ({ match, message }) => {
      const canary = abTesting(match);
      await expect(router.reconcile(canary)).rejects.toThrow(RouterError);
      await expect(router.reconcile(canary)).rejects.toThrow(message);
      await expect(router.setRoutes(canary, ab())).rejects.toThrow(message);
      await expect(router.setRoutes(canary, ab())).rejects.toThrow(/cannot be expressed with ingress-nginx/);
      expect(await copy()).toBeNull();
    });

    it('a match that cannot be expressed does not stop a canary run by weights (no iterations)', async () => {
      const canary = canaryWith({ match: [{ queryParams: { beta: { exact: 'on' } } }] });
      await reconcile(canary);
      await setRoutes(canary, r(90, 10));
      expect(router.getRoutes(canary)).toEqual(r(90, 10));
    });

    it('only all matching requests to the canary: other A/B weights are a RouterError', async () => {
      const canary = abTesting([{ headers: { 'x-canary': { exact: 'insider' } } }]);
      await reconcile(canary);
      await expect(router.setRoutes(canary, { ...r(50, 50), matchedOnly: true })).rejects.toThrow(/all to the canary/);
    });

    it('A/B routes without analysis.match are a RouterError', async () => {
      const canary = canaryWith();
      await reconcile(canary);
      await expect(router.setRoutes(canary, ab())).rejects.toThrow(/analysis\.match/);
    });

    it('back to weights drops the match annotations; reconcile keeps A/B routes without a write', async () => {
      const canary = abTesting([{ headers: { 'x-canary': { exact: 'insider' } } }, { headers: { cookie: { exact: 'canary' } } }]);
      await reconcile(canary);
      await setRoutes(canary, ab());
      c.client.writes.length = 0;
      await reconcile(canary);
      expect(c.client.writes).toEqual([]);
      await setRoutes(canary, r(100, 0));
      expect(await canaryAnnotations()).toEqual({ [`${A}/canary`]: 'true', [`${A}/canary-weight`]: '0' });
      expect(router.getRoutes(canary)).toEqual(r(100, 0));
    });
  });

  describe('the copy of the Ingress', () => {
    it('keeps the other annotations, class, TLS and backends; drops canary annotations, kubectl’s last-applied and Flux’s bookkeeping', async () => {
      await c.kube.delete(ref(INGRESS, 'podinfo'));
      const ingress = userIngress({
        annotations: {
          [`${A}/rewrite-target`]: '/',
          [`${A}/canary`]: 'true',
          [`${A}/canary-weight-total`]: '1000',
          'kubectl.kubernetes.io/last-applied-configuration': '{}',
          'kustomize.toolkit.fluxcd.io/prune': 'disabled',
        },
        spec: {
          ingressClassName: 'nginx',
          tls: [{ hosts: ['app.example.com'], secretName: 'app-tls' }],
          defaultBackend: { service: { name: 'podinfo', port: { number: 9898 } } },
          rules: [{
            host: 'app.example.com',
            http: {
              paths: [
                { pathType: 'Prefix', path: '/', backend: { service: { name: 'podinfo', port: { number: 9898 } } } },
                { pathType: 'Prefix', path: '/static', backend: { service: { name: 'assets', port: { number: 80 } } } },
              ],
            },
          }],
        },
      });
      await c.kube.create({ ...ingress, metadata: { ...ingress.metadata, labels: { app: 'podinfo', 'kustomize.toolkit.fluxcd.io/name': 'apps' } } });
      await settled();
      await reconcile(canaryWith());
      const written = await copy();
      expect(written?.metadata.annotations).toEqual({
        [`${A}/rewrite-target`]: '/',
        [`${A}/canary`]: 'true',
        [`${A}/canary-weight`]: '0',
        'pennant.dev/applied-hash': expect.any(String) as unknown,
        'kustomize.toolkit.fluxcd.io/reconcile': 'disabled',
        'helm.toolkit.fluxcd.io/driftDetection': 'disabled',
      });
      expect(written?.metadata.labels).toEqual({ app: 'podinfo' });
      expect(written?.spec.ingressClassName).toBe('nginx');
      expect(written?.spec.tls).toEqual([{ hosts: ['app.example.com'], secretName: 'app-tls' }]);
      expect(written?.spec.defaultBackend).toEqual({ service: { name: 'podinfo-canary', port: { number: 9898 } } });
      expect(written?.spec.rules?.[0]?.http.paths.map((p) => p.backend.service.name)).toEqual(['podinfo-canary', 'assets']);
    });

    it('follows a change of the user’s Ingress, keeping the weight', async () => {
      const canary = canaryWith();
      await reconcile(canary);
      await setRoutes(canary, r(80, 20));
      await c.kube.patch(ref(INGRESS, 'podinfo'), { spec: { rules: [{ host: 'new.example.com', http: { paths: [{ pathType: 'Prefix', path: '/', backend: { service: { name: 'podinfo', port: { number: 9898 } } } }] } }] } });
      await settled();
      await reconcile(canary);
      expect((await copy())?.spec.rules?.[0]?.host).toBe('new.example.com');
      expect(router.getRoutes(canary)).toEqual(r(80, 20));
    });

    it('service.name is the backend that moves to <name>-canary', async () => {
      await c.kube.create(userIngress({ name: 'web', service: 'frontend', port: 9898 }));
      await settled();
      await reconcile(canaryWith({}, { ingressRef: ingressRef('web'), service: { name: 'frontend', port: 9898 } }));
      expect((await copy('web-canary'))?.spec.rules?.[0]?.http.paths[0]?.backend.service.name).toBe('frontend-canary');
    });

    it.each<[string, string]>([
      ['canary "false" (Flagger at weight 0)', '{"canary":"false","canary-weight":"30"}'],
      ['no canary annotation', '{"canary-weight":"30"}'],
    ])('an existing canary Ingress with %s reads as all to the primary', async (_, json) => {
      const annotations = Object.fromEntries(Object.entries(JSON.parse(json) as Record<string, string>).map(([k, v]) => [`${A}/${k}`, v]));
      await c.kube.create({ ...userIngress({ name: 'podinfo-canary', annotations }) });
      await settled();
      expect(router.getRoutes(canaryWith())).toEqual(r(100, 0));
    });
  });

  describe('what it needs from the user', () => {
    it.each<[string, Partial<Canary['spec']>, RegExp]>([
      ['no ingressRef', { ingressRef: undefined }, /spec\.ingressRef must name the Ingress/],
      ['an Ingress that does not exist', { ingressRef: ingressRef('absent') }, new RegExp(`Ingress ${NS}/absent \\(spec.ingressRef\\) not found`)],
      ['an ingressRef in another namespace', { ingressRef: { ...ingressRef(), namespace: 'elsewhere' } }, /in the Canary's namespace/],
    ])('%s is a RouterError', async (_, spec, message) => {
      const canary = canaryWith({}, spec);
      await expect(router.reconcile(canary)).rejects.toThrow(RouterError);
      await expect(router.reconcile(canary)).rejects.toThrow(message);
      expect(router.getRoutes(canary)).toBeNull();
    });

    it('an Ingress without a backend on the apex Service is a RouterError naming both', async () => {
      await c.kube.create(userIngress({ name: 'other', service: 'something-else' }));
      await settled();
      await expect(router.reconcile(canaryWith({}, { ingressRef: ingressRef('other') }))).rejects.toThrow(
        `nginx: Ingress ${NS}/other has no backend on the Service podinfo`,
      );
    });

    it.each<[string, Routes]>([
      ['mirroring', r(100, 0, true)],
      ['fractions', r(97.5, 2.5)],
    ])('%s is a RouterError', async (_, routes) => {
      const canary = canaryWith();
      await reconcile(canary);
      await expect(router.setRoutes(canary, routes)).rejects.toThrow(RouterError);
    });
  });

  it('finalize: the apex Service selects the target pods and outlives the Canary; the canary Ingress goes to weight 0', async () => {
    const canary = canaryWith();
    await reconcile(canary);
    await setRoutes(canary, r(40, 60));
    await router.finalize(canary);
    await settled();
    const apex = await c.kube.get(ref(SERVICE, 'podinfo'));
    expect((apex?.spec as { selector: unknown }).selector).toEqual({ app: 'podinfo' });
    expect((apex?.metadata as { ownerReferences?: unknown[] }).ownerReferences ?? []).toEqual([]);
    expect(router.getRoutes(canary)).toEqual(r(100, 0));
    expect((await copy())?.metadata.ownerReferences).toEqual([ownerOf(canary)]);
  });
});
