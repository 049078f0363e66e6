import type { KubeObject } from '../kube/types.js';

/**
 * Flux must leave alone what Pennant routes with: the generated Services and the provider's objects
 * (VirtualService, DestinationRules, HTTPProxy, HTTPRoute, TraefikService, TrafficSplit, the canary Ingress).
 * Without these two annotations a Kustomization that also lists the apex Service, or a
 * HelmRelease with drift detection, would put back the selector or the weights Pennant set, and
 * traffic would go where Pennant did not send it. Flagger sets the same two on its generated objects.
 */
export const GITOPS_HANDS_OFF: Readonly<Record<string, string>> = {
  'kustomize.toolkit.fluxcd.io/reconcile': 'disabled',
  'helm.toolkit.fluxcd.io/driftDetection': 'disabled',
};

/** `annotations` with the two hands-off annotations (they win over a Canary's own metadata). */
export const handsOff = (annotations: Record<string, string> | undefined): Record<string, string> => ({ ...(annotations ?? {}), ...GITOPS_HANDS_OFF });

/** The object without the hands-off annotations, for what Pennant hands back: GitOps tools take it over again. */
export function withoutHandsOff(obj: KubeObject): KubeObject {
  const annotations = Object.fromEntries(Object.entries(obj.metadata.annotations ?? {}).filter(([key]) => !(key in GITOPS_HANDS_OFF)));
  return { ...obj, metadata: { ...obj.metadata, annotations } };
}
