export { startPrometheus, type PrometheusOptions, type PrometheusServer, type PromSample } from './prometheus.js';
export { startTrafficSimulator, type TrafficSimulator, type TrafficSimulatorOptions } from './traffic-simulator.js';
export type { SimulatorStats, WorkloadStats } from './traffic-engine.js';
export type { SimulatedApp } from './simulated-app.js';
export type { MetricShape, MetricShapeFactory, ServedRequests } from './metric-shapes.js';
export { ALL_SHAPES, istioShape, kubernetesShape } from './shapes/index.js';
export { startGitServer, type GitServer, type GitServerOptions, type GitCommit, type CommitOptions } from './git-server.js';
export { startSlackStandIn, type SlackStandIn, type ReceivedMessage, type StandInAnswer } from './slack-stand-in.js';
export { waitUntil } from './wait.js';
