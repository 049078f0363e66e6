export * from './types.js';
export { routerFor, SUPPORTED_PROVIDERS } from './factory.js';
export { KubernetesRouter } from './kubernetes.js';
export { GatewayApiRouter } from './gateway-api.js';
export { buildService, serviceName, selectors, SERVICE } from './services.js';
