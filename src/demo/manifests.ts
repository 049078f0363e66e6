import type { KubeObject } from '../kube/types.js';
import { ERROR_RATE_ANNOTATION, LATENCY_ANNOTATION } from './traffic-annotations.js';

export interface AppVersion {
  image: string;
  errorRate?: number;
  latencyMs?: number;
}

/** The podinfo Deployment of Flagger's tutorials, with demo traffic behaviour in its annotations. */
export function podinfoDeployment(namespace: string, version: AppVersion, name = 'podinfo'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { app: name } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: {
          labels: { app: name },
          annotations: { [ERROR_RATE_ANNOTATION]: String(version.errorRate ?? 0), [LATENCY_ANNOTATION]: String(version.latencyMs ?? 40) },
        },
        spec: { containers: [{ name: 'podinfod', image: version.image, ports: [{ name: 'http', containerPort: 9898 }] }] },
      },
    },
  };
}

/** The same app as a DaemonSet (Flagger's e2e `podinfo-ds`): one pod per node, no replicas. */
export function podinfoDaemonSet(namespace: string, version: AppVersion, name = 'podinfo-ds'): KubeObject {
  const { replicas: _none, ...spec } = podinfoDeployment(namespace, version, name).spec as Record<string, unknown>;
  return { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name, namespace, labels: { app: name } }, spec };
}

export interface CanaryOptions {
  namespace: string;
  name?: string;
  interval: string;
  provider?: string;
  threshold?: number;
  stepWeight?: number;
  maxWeight?: number;
  iterations?: number;
  webhooks?: Record<string, unknown>[];
  /** Default 60. */
  progressDeadlineSeconds?: number;
  gatewayRefs?: { name: string; namespace?: string }[];
  /** Default Deployment. */
  targetKind?: 'Deployment' | 'DaemonSet';
}

/** A Canary as Flagger users write it (apiVersion changed), analysing the builtin metrics. */
export function podinfoCanary(o: CanaryOptions): KubeObject {
  const name = o.name ?? 'podinfo';
  const strategy = o.iterations ? { iterations: o.iterations } : { stepWeight: o.stepWeight ?? 10, maxWeight: o.maxWeight ?? 50 };
  return {
    apiVersion: 'pennant.dev/v1beta1',
    kind: 'Canary',
    metadata: { name, namespace: o.namespace },
    spec: {
      ...(o.provider ? { provider: o.provider } : {}),
      targetRef: { apiVersion: 'apps/v1', kind: o.targetKind ?? 'Deployment', name },
      progressDeadlineSeconds: o.progressDeadlineSeconds ?? 60,
      service: { port: 9898, targetPort: 'http', ...(o.gatewayRefs ? { gatewayRefs: o.gatewayRefs } : {}) },
      analysis: {
        interval: o.interval,
        threshold: o.threshold ?? 2,
        ...strategy,
        metrics: [
          { name: 'request-success-rate', thresholdRange: { min: 99 }, interval: '1m' },
          { name: 'request-duration', thresholdRange: { max: 500 }, interval: '30s' },
        ],
        ...(o.webhooks ? { webhooks: o.webhooks } : {}),
      },
    },
  };
}
