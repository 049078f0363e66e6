import type { KubeObject, ObjectRef } from '../kube/types.js';

/**
 * Kinds that have no namespace. Manifests are read without asking the API server, so the common
 * cluster-scoped kinds are known here; the API server ignores a namespace on any other
 * cluster-scoped kind, so one missing from this list only shows a namespace in the inventory.
 */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass',
  'PriorityClass', 'IngressClass', 'GatewayClass', 'RuntimeClass', 'CSIDriver', 'Node', 'APIService',
  'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
]);

export const isClusterScoped = (kind: string): boolean => CLUSTER_SCOPED.has(kind);

/** Applied first, so that what the rest lives in (a namespace) or is (a custom kind) exists. */
export const isFoundation = (kind: string): boolean => kind === 'Namespace' || kind === 'CustomResourceDefinition';

export function refOfObject(obj: KubeObject): ObjectRef {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name ?? '',
    ...(obj.metadata.namespace && !isClusterScoped(obj.kind) ? { namespace: obj.metadata.namespace } : {}),
  };
}

/** `apps/v1/Deployment/test/podinfo`: one key per object, version included (as Flux's inventory does). */
export const refKey = (ref: ObjectRef): string => `${ref.apiVersion}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;

/** Same object whatever the version it is written in: `apps/Deployment/test/podinfo`. */
export const objectKey = (ref: ObjectRef): string => `${ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : ''}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;

/** "Deployment test/podinfo" for messages. */
export const describeObject = (ref: ObjectRef): string => `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
