import type { Informer, InformerHandler, KubeClient, KubeObject, ResourceType } from '../kube/types.js';

export const CANARY: ResourceType = { apiVersion: 'pennant.dev/v1beta1', kind: 'Canary' };
export const EVENT: ResourceType = { apiVersion: 'v1', kind: 'Event' };

/** The API server keeps only Events about Pennant's Canaries in the watch: the web view's memory follows the Canaries. */
export const CANARY_EVENTS_SELECTOR = `involvedObject.kind=${CANARY.kind},involvedObject.apiVersion=${CANARY.apiVersion}`;

/** The Canaries the web view shows: the controller's informer cache, or the informer of `pennant ui`. */
export interface CanaryFeed {
  list(): KubeObject[];
  onChange(handler: InformerHandler): () => void;
}

/** One informer of the Canaries' Events for every viewer (started when the first page asks for them). */
export function canaryEventsInformer(kube: KubeClient, namespace?: string): Informer {
  return kube.informer(EVENT, { ...(namespace ? { namespace } : {}), fieldSelector: CANARY_EVENTS_SELECTOR, dropManagedFields: true });
}

/** Which Canary an Event is about (`namespace/name`), from its involvedObject. */
export function eventSubject(event: KubeObject): { namespace: string; name: string } | undefined {
  const involved = event.involvedObject as { namespace?: unknown; name?: unknown } | undefined;
  if (typeof involved?.name !== 'string') return undefined;
  return { namespace: typeof involved.namespace === 'string' ? involved.namespace : (event.metadata.namespace ?? 'default'), name: involved.name };
}
