import { GatewayApiRouter } from '../../../src/routers/gateway-api.js';
import { KubernetesRouter } from '../../../src/routers/kubernetes.js';
import { runRouterContract } from '../../contract/router-contract.js';
import { HTTPROUTE_V1, HTTPROUTE_V1BETA1 } from '../workloads/fixtures.js';

const gatewayRefs = [{ name: 'public', namespace: 'gateway' }];

runRouterContract('kubernetes', (deps) => new KubernetesRouter(deps), { providerTypes: [] });
runRouterContract('gatewayapi:v1', (deps) => new GatewayApiRouter(deps, 'gatewayapi:v1'), { providerTypes: [HTTPROUTE_V1], service: { gatewayRefs } });
runRouterContract('gatewayapi:v1beta1', (deps) => new GatewayApiRouter(deps, 'gatewayapi:v1beta1'), { providerTypes: [HTTPROUTE_V1BETA1], service: { gatewayRefs } });
