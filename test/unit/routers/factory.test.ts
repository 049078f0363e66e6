import { describe, expect, it } from 'vitest';
import { PROVIDERS, type Provider } from '../../../src/api/index.js';
import { routerFor, SUPPORTED_PROVIDERS } from '../../../src/routers/factory.js';
import { ContourRouter } from '../../../src/routers/contour.js';
import { GatewayApiRouter } from '../../../src/routers/gateway-api.js';
import { IstioRouter } from '../../../src/routers/istio.js';
import { KubernetesRouter } from '../../../src/routers/kubernetes.js';
import { NginxRouter } from '../../../src/routers/nginx.js';
import { SmiRouter } from '../../../src/routers/smi.js';
import { TraefikRouter } from '../../../src/routers/traefik.js';
import { RouterError } from '../../../src/routers/types.js';
import { cluster } from '../workloads/fixtures.js';

const { client, cache } = await cluster([]);
const deps = { kube: client, cache };

describe('routerFor', () => {
  it.each<[Provider, new (...args: never[]) => unknown]>([
    ['kubernetes', KubernetesRouter],
    ['gatewayapi:v1', GatewayApiRouter],
    ['gatewayapi:v1beta1', GatewayApiRouter],
    ['istio', IstioRouter],
    ['nginx', NginxRouter],
    ['contour', ContourRouter],
    ['traefik', TraefikRouter],
    ['linkerd', SmiRouter],
    ['smi:v1alpha1', SmiRouter],
    ['smi:v1alpha2', SmiRouter],
    ['smi:v1alpha3', SmiRouter],
  ])('builds the %s router', (provider, kind) => {
    const router = routerFor(provider, deps);
    expect(router).toBeInstanceOf(kind);
    expect(router.provider).toBe(provider);
  });

  it('supports exactly the providers it builds', () => {
    expect([...SUPPORTED_PROVIDERS].sort()).toEqual(['contour', 'gatewayapi:v1', 'gatewayapi:v1beta1', 'istio', 'kubernetes', 'linkerd', 'nginx', 'smi:v1alpha1', 'smi:v1alpha2', 'smi:v1alpha3', 'traefik']);
  });

  const unsupported = PROVIDERS.filter((p) => !SUPPORTED_PROVIDERS.includes(p));

  it('leaves the other Flagger providers unsupported', () => {
    expect(unsupported).toEqual(expect.arrayContaining(['gloo', 'apisix', 'skipper', 'kuma', 'osm', 'knative']));
    expect(unsupported.length + SUPPORTED_PROVIDERS.length).toBe(PROVIDERS.length);
  });

  it.each(unsupported)('%s is a RouterError naming it and the supported providers, never a fallback', (provider) => {
    let caught: unknown;
    try {
      routerFor(provider, deps);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(RouterError);
    const message = (caught as Error).message;
    expect(message).toContain(`provider ${provider} `);
    for (const supported of SUPPORTED_PROVIDERS) expect(message).toContain(supported);
  });
});
