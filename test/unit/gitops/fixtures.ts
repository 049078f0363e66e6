import type { Canary, GitSource } from '../../../src/api/index.js';
import type { KubeObject } from '../../../src/kube/types.js';

/** podinfo as a user writes it: comments, quoting styles, aligned sequences, a second document. */
export const PODINFO_YAML = `# podinfo, deployed by Pennant
apiVersion: apps/v1
kind: Deployment
metadata:
  name: podinfo
  labels: { app: podinfo }
spec:
  replicas: 2  # Pennant scales the target; the primary gets this
  selector:
    matchLabels:
      app: podinfo
  template:
    metadata:
      labels:
        app: podinfo
      annotations:
        sim.pennant.dev/error-rate: "0.3"   # the faulty release
        sim.pennant.dev/latency-ms: '40'
    spec:
      initContainers:
      - name: migrate
        image: "migrate:1.1"
      containers:
      - name: podinfod
        image: 'ghcr.io/stefanprodan/podinfo:6.0.1'   # bump me
        ports:
        - { name: http, containerPort: 9898 }
      - name: proxy
        image: envoy:1.30  # sidecar
---
# the Service in front of it
apiVersion: v1
kind: Service
metadata: {name: podinfo}
spec:
  ports: [{port: 9898}]
`;

export const CANARY_YAML = `apiVersion: pennant.dev/v1beta1
kind: Canary
metadata: { name: podinfo }   # flow style on purpose
spec:
  provider: gatewayapi:v1
  targetRef: { apiVersion: apps/v1, kind: Deployment, name: podinfo }
  service: { port: 9898 }
  analysis:
    interval: 5s
    threshold: 2
    stepWeight: 10
    maxWeight: 50
`;

export function gitSourceOf(spec: Partial<GitSource['spec']> & { url: string }, status: GitSource['status'] = {}, name = 'apps', namespace = 'tenant'): GitSource {
  return { apiVersion: 'pennant.dev/v1beta1', kind: 'GitSource', metadata: { name, namespace, generation: 1, uid: 'uid-gs' }, spec, status };
}

export function deploymentObject(name: string, namespace: string, template: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: { replicas: 0, selector: { matchLabels: { app: name.replace(/-primary$/, '') + (name.endsWith('-primary') ? '-primary' : '') } }, template, ...extra },
  };
}

/** podinfo's template as the API server stores it, with defaults the user never wrote. */
export function liveTemplate(images: { podinfod: string; proxy: string; migrate: string }, errorRate: string, app = 'podinfo', extraAnnotations: Record<string, string> = {}) {
  const defaults = { terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent', resources: {} };
  return {
    metadata: { labels: { app }, annotations: { 'sim.pennant.dev/error-rate': errorRate, 'sim.pennant.dev/latency-ms': '40', ...extraAnnotations } },
    spec: {
      initContainers: [{ name: 'migrate', image: images.migrate, ...defaults }],
      containers: [
        { name: 'podinfod', image: images.podinfod, ports: [{ name: 'http', containerPort: 9898, protocol: 'TCP' }], ...defaults },
        { name: 'proxy', image: images.proxy, ...defaults },
      ],
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
    },
  };
}

export const PROMOTED = { podinfod: 'ghcr.io/stefanprodan/podinfo:6.0.0', proxy: 'envoy:1.30', migrate: 'migrate:1.0' };
export const FAULTY = { podinfod: 'ghcr.io/stefanprodan/podinfo:6.0.1', proxy: 'envoy:1.30', migrate: 'migrate:1.1' };

export function canaryOf(status: Canary['status'] = {}, writeBack: NonNullable<Canary['spec']['writeBack']> = {}): Canary {
  return {
    apiVersion: 'pennant.dev/v1beta1',
    kind: 'Canary',
    metadata: { name: 'podinfo', namespace: 'tenant' },
    spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' }, analysis: { interval: '5s', stepWeight: 10 }, writeBack },
    status,
  };
}
