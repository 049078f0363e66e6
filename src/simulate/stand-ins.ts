import type { Canary } from '../api/index.js';
import type { KubeObject } from '../kube/types.js';

/**
 * The objects a Canary refers to besides its target, as a cluster would have them: the Ingress of
 * `spec.ingressRef` (routing to the apex Service) and the HorizontalPodAutoscaler of
 * `spec.autoscalerRef` (scaling the target).
 */
export function referencedObjects(canary: Canary): KubeObject[] {
  const namespace = canary.metadata.namespace ?? 'default';
  const target = canary.spec.targetRef.name;
  const objects: KubeObject[] = [];
  const ingress = canary.spec.ingressRef;
  if (ingress) {
    const backend = { service: { name: canary.spec.service?.name ?? target, port: { number: canary.spec.service?.port ?? 80 } } };
    objects.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: ingress.name, namespace },
      spec: { rules: [{ host: `${target}.example.com`, http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } }] },
    });
  }
  const autoscaler = canary.spec.autoscalerRef;
  if (autoscaler?.kind === 'HorizontalPodAutoscaler') {
    objects.push({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: autoscaler.name, namespace },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target }, minReplicas: 2, maxReplicas: 4 },
    });
  }
  return objects;
}
