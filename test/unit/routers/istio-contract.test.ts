import { DESTINATION_RULE, IstioRouter, VIRTUAL_SERVICE } from '../../../src/routers/istio.js';
import { runRouterContract } from '../../contract/router-contract.js';

runRouterContract('istio', (deps) => new IstioRouter(deps), { providerTypes: [VIRTUAL_SERVICE, DESTINATION_RULE] });
runRouterContract('istio (ingress gateway, hosts)', (deps) => new IstioRouter(deps), {
  providerTypes: [VIRTUAL_SERVICE, DESTINATION_RULE],
  service: { gateways: ['istio-system/public-gateway'], hosts: ['app.example.com'] },
});
