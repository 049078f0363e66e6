import { z } from 'zod';
import { intOrString, metadataPatch, stringMap, stringMatch } from './common.js';

/** Istio HTTPMatchRequest, as Flagger accepts it in `service.match`. */
export const httpMatch = z.object({
  name: z.string().optional(),
  uri: stringMatch.optional(),
  scheme: stringMatch.optional(),
  method: stringMatch.optional(),
  authority: stringMatch.optional(),
  headers: z.record(z.string(), stringMatch).optional(),
  queryParams: z.record(z.string(), stringMatch).optional(),
  withoutHeaders: z.record(z.string(), stringMatch).optional(),
  ignoreUriCase: z.boolean().optional(),
  port: z.number().int().optional(),
  sourceLabels: stringMap.optional(),
  sourceNamespace: z.string().optional(),
  gateways: z.array(z.string()).optional(),
});

const headerOperations = z.object({
  add: stringMap.optional(),
  set: stringMap.optional(),
  remove: z.array(z.string()).optional(),
});

const backendRef = z.object({
  group: z.string().optional(),
  kind: z.string().optional(),
  name: z.string().min(1),
  namespace: z.string().optional(),
  port: z.number().int().min(1).max(65535).optional(),
});

const gatewayRef = z.object({
  group: z.string().optional(),
  kind: z.string().optional(),
  name: z.string().min(1),
  namespace: z.string().optional(),
  sectionName: z.string().optional(),
  port: z.number().int().min(1).max(65535).optional(),
});

const corsPolicy = z.object({
  allowOrigin: z.array(z.string()).optional(),
  allowOrigins: z.array(stringMatch).optional(),
  allowMethods: z.array(z.string()).optional(),
  allowCredentials: z.boolean().optional(),
  allowHeaders: z.array(z.string()).optional(),
  exposeHeaders: z.array(z.string()).optional(),
  maxAge: z.string().optional(),
});

const connectionPool = z.object({
  http: z
    .object({
      h2UpgradePolicy: z.enum(['DEFAULT', 'DO_NOT_UPGRADE', 'UPGRADE']).optional(),
      http1MaxPendingRequests: z.number().int().optional(),
      http2MaxRequests: z.number().int().optional(),
      idleTimeout: z.string().optional(),
      maxRequestsPerConnection: z.number().int().optional(),
      maxRetries: z.number().int().optional(),
    })
    .optional(),
});

const loadBalancer = z.object({
  simple: z.enum(['ROUND_ROBIN', 'LEAST_CONN', 'RANDOM', 'PASSTHROUGH', 'LEAST_REQUEST']).optional(),
  consistentHash: z
    .object({
      httpHeaderName: z.string().optional(),
      httpCookie: z
        .object({ name: z.string().optional(), path: z.string().optional(), ttl: z.string().optional() })
        .optional(),
      useSourceIp: z.boolean().optional(),
      httpQueryParameterName: z.string().optional(),
      minimumRingSize: z.number().int().optional(),
    })
    .optional(),
  localityLbSetting: z
    .object({
      enabled: z.boolean().optional(),
      distribute: z
        .array(z.object({ from: z.string().optional(), to: z.record(z.string(), z.number().int()).optional() }))
        .optional(),
      failover: z.array(z.object({ from: z.string().optional(), to: z.string().optional() })).optional(),
    })
    .optional(),
  warmupDurationSecs: z.string().optional(),
});

const outlierDetection = z.object({
  baseEjectionTime: z.string().optional(),
  consecutive5xxErrors: z.number().int().optional(),
  consecutiveErrors: z.number().int().optional(),
  consecutiveGatewayErrors: z.number().int().optional(),
  consecutiveLocalOriginFailures: z.number().int().optional(),
  interval: z.string().optional(),
  maxEjectionPercent: z.number().int().optional(),
  minHealthPercent: z.number().int().optional(),
  splitExternalLocalOriginErrors: z.boolean().optional(),
});

const tlsSettings = z.object({
  mode: z.enum(['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL']).optional(),
  caCertificates: z.string().optional(),
  clientCertificate: z.string().optional(),
  privateKey: z.string().optional(),
  sni: z.string().optional(),
  subjectAltNames: z.array(z.string()).optional(),
});

export const canaryService = z
  .object({
    name: z.string().optional().describe('Name of the generated Services (default: the target name)'),
    port: z.number().int().min(1).max(65535).describe('ClusterIP port of the generated Services'),
    portName: z.string().optional().describe('Name of the service port (default "http")'),
    targetPort: intOrString.optional().describe('Container port number or name (default: port)'),
    appProtocol: z.string().optional(),
    trafficDistribution: z.enum(['PreferClose', 'PreferSameZone', 'PreferSameNode']).optional(),
    portDiscovery: z.boolean().optional().describe("Add the target's other container ports to the Services"),
    headless: z.boolean().optional(),
    timeout: z.string().optional(),
    backendTimeout: z.string().optional(),
    meshName: z.string().optional(),
    backends: z.array(z.string()).optional(),
    hosts: z.array(z.string()).optional(),
    delegation: z.boolean().optional(),
    match: z.array(httpMatch).optional(),
    retries: z
      .object({ attempts: z.number().int().optional(), perTryTimeout: z.string().optional(), retryOn: z.string().optional() })
      .optional(),
    rewrite: z
      .object({ uri: z.string().optional(), authority: z.string().optional(), type: z.string().optional() })
      .optional(),
    mirror: z.array(z.object({ backendRef })).optional(),
    headers: z.object({ request: headerOperations.optional(), response: headerOperations.optional() }).optional(),
    gateways: z.array(z.string()).optional(),
    gatewayRefs: z.array(gatewayRef).max(32).optional(),
    corsPolicy: corsPolicy.optional(),
    trafficPolicy: z
      .object({
        connectionPool: connectionPool.optional(),
        loadBalancer: loadBalancer.optional(),
        outlierDetection: outlierDetection.optional(),
        tls: tlsSettings.optional(),
      })
      .optional(),
    apex: metadataPatch.optional().describe('Labels and annotations for the apex Service'),
    primary: metadataPatch.optional().describe('Labels and annotations for the -primary Service'),
    canary: metadataPatch.optional().describe('Labels and annotations for the -canary Service'),
    unmanagedMetadata: z
      .object({ annotations: z.array(z.string()).optional(), labels: z.array(z.string()).optional() })
      .optional(),
  })
  .describe('The Services Pennant generates for the target, and routing options');
export type CanaryService = z.infer<typeof canaryService>;
