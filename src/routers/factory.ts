import { type Provider, SUPPORTED_PROVIDERS, unsupportedProvider } from '../api/index.js';
import { GatewayApiRouter } from './gateway-api.js';
import { ContourRouter } from './contour.js';
import { IstioRouter } from './istio.js';
import { KubernetesRouter } from './kubernetes.js';
import { NginxRouter } from './nginx.js';
import { SmiRouter } from './smi.js';
import { TraefikRouter } from './traefik.js';
import { type Router, type RouterDeps, RouterError } from './types.js';

/** The capability table's providers (api/capabilities.ts); a unit test fails when a line below is missing. */
export { SUPPORTED_PROVIDERS };

/** One line per provider. An unsupported provider is an error, never a silent fallback to another. */
export function routerFor(provider: Provider, deps: RouterDeps): Router {
  switch (provider) {
    case 'kubernetes':
      return new KubernetesRouter(deps);
    case 'gatewayapi:v1':
    case 'gatewayapi:v1beta1':
      return new GatewayApiRouter(deps, provider);
    case 'istio': return new IstioRouter(deps);
    case 'nginx': return new NginxRouter(deps);
    case 'contour': return new ContourRouter(deps);
    case 'traefik': return new TraefikRouter(deps);
    case 'linkerd': case 'smi:v1alpha1': case 'smi:v1alpha2': case 'smi:v1alpha3': return new SmiRouter(deps, provider);
    default:
      throw new RouterError(unsupportedProvider(provider));
  }
}
