import type { Canary } from '../api/index.js';
import type { KubeObject } from '../kube/types.js';
import type { PodController } from '../workloads/k8s-types.js';
import { applyIfChanged, APPLIED_HASH_ANNOTATION } from './apply.js';
import { buildService, namespaceOf, readTarget, released, SERVICE, selectors, type Selectors, serviceName, servicePorts } from './services.js';
import type { RouterDeps } from './types.js';

/**
 * The apex Service `<service.name>` of a Canary is either Pennant's (created by it, owned by the
 * Canary) or the user's (it existed before: Flagger's e2e and many real setups declare it). A user's
 * apex is adopted: Pennant takes its selector and ports, records what they were here, and leaves
 * every other field (type, clusterIP, labels, annotations, owner) to the user. It is never owned by
 * the Canary, so deleting the Canary never deletes it.
 */
export const ORIGINAL_ANNOTATION = 'pennant.dev/original-configuration';

export type ApexOwner = 'none' | 'pennant' | 'adopted' | 'user';

interface ServicePort { name?: string; port?: number; protocol?: string; nodePort?: number; [field: string]: unknown }
interface ServiceSpec { selector?: Record<string, string>; ports?: ServicePort[]; type?: string }

/** What the selector and ports of an adopted apex were before Pennant, restored by revertOnDeletion. */
interface OriginalApex { selector: Record<string, string>; ports: ServicePort[] }

const specOf = (obj: KubeObject | undefined): ServiceSpec => (obj?.spec ?? {}) as ServiceSpec;

export function apexOwner(canary: Canary, apex: KubeObject | undefined): ApexOwner {
  if (!apex) return 'none';
  if (apex.metadata.annotations?.[ORIGINAL_ANNOTATION] !== undefined) return 'adopted';
  const owners = (apex.metadata as { ownerReferences?: { kind?: string; name?: string; uid?: string }[] }).ownerReferences ?? [];
  const ours = owners.some((o) => o.kind === 'Canary' && o.name === canary.metadata.name && (!canary.metadata.uid || o.uid === canary.metadata.uid));
  return ours ? 'pennant' : 'user';
}

/** Does Pennant route through this apex yet? A user's Service it has not adopted is not a route of ours. */
export const managesApex = (canary: Canary, apex: KubeObject | undefined): boolean => {
  const owner = apexOwner(canary, apex);
  return owner === 'pennant' || owner === 'adopted';
};

/** The -canary, -primary and apex Services, the apex selecting `apexSelects` pods. */
export async function applyServices(deps: RouterDeps, canary: Canary, apexSelects: 'primary' | 'canary'): Promise<void> {
  const sel = selectors(canary, deps.cache);
  const target = readTarget(canary, deps.cache);
  await applyIfChanged(deps, buildService(canary, 'canary', sel, sel.canary, target));
  await applyIfChanged(deps, buildService(canary, 'primary', sel, sel.primary, target));
  await applyApex(deps, canary, sel, sel[apexSelects], target);
}

async function applyApex(deps: RouterDeps, canary: Canary, sel: Selectors, selectValue: string, target: PodController): Promise<void> {
  const apex = deps.cache.get(SERVICE, namespaceOf(canary), serviceName(canary));
  const owner = apexOwner(canary, apex);
  if (owner === 'none' || owner === 'pennant') {
    await applyIfChanged(deps, buildService(canary, 'apex', sel, selectValue, target));
    return;
  }
  const ports = withNodePorts(servicePorts(canary, target), specOf(apex).ports);
  if (owner === 'user' && apex) await adopt(deps, apex, { [sel.key]: selectValue }, ports);
  await applyIfChanged(deps, adoptedApex(canary, { [sel.key]: selectValue }, ports));
}

/**
 * Server-side apply cannot drop selector keys or ports another manager set, and a leftover port of
 * the same name would make the Service invalid: the first time, the selector and ports are replaced
 * outright (a merge patch replaces lists), and what they were is recorded.
 */
async function adopt(deps: RouterDeps, apex: KubeObject, selector: Record<string, string>, ports: ServicePort[]): Promise<void> {
  const spec = specOf(apex);
  const original: OriginalApex = { selector: spec.selector ?? {}, ports: spec.ports ?? [] };
  await deps.kube.patch(refOf(apex), {
    metadata: { annotations: { [ORIGINAL_ANNOTATION]: JSON.stringify(original) } },
    spec: { selector: replacing(original.selector, selector), ports },
  }, 'merge');
}

/** Only what Pennant owns on a user's apex: never its type, cluster IP, owner or the user's metadata. */
function adoptedApex(canary: Canary, selector: Record<string, string>, ports: ServicePort[]): KubeObject {
  const meta = canary.spec.service?.apex;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: serviceName(canary), namespace: namespaceOf(canary), labels: meta?.labels ?? {}, annotations: meta?.annotations ?? {} },
    spec: { selector, ports },
  };
}

/** A NodePort or LoadBalancer apex keeps the node ports its clients use. */
function withNodePorts(ports: Record<string, unknown>[], existing: ServicePort[] | undefined): ServicePort[] {
  return ports.map((port) => {
    const nodePort = existing?.find((e) => e.name === port.name && e.nodePort)?.nodePort;
    return nodePort ? { ...port, nodePort } : port;
  });
}

/**
 * revertOnDeletion: the apex selects the target's pods again and outlives the Canary. An adopted
 * apex gets back exactly the selector and ports it had; Pennant's own is released from the Canary.
 */
export async function releaseApex(deps: RouterDeps, canary: Canary): Promise<void> {
  const apex = deps.cache.get(SERVICE, namespaceOf(canary), serviceName(canary));
  if (apexOwner(canary, apex) !== 'adopted' || !apex) {
    const sel = selectors(canary, deps.cache);
    await applyIfChanged(deps, released(buildService(canary, 'apex', sel, sel.canary, readTarget(canary, deps.cache))));
    return;
  }
  const original = parseOriginal(apex.metadata.annotations?.[ORIGINAL_ANNOTATION]);
  const spec = specOf(apex);
  await deps.kube.patch(refOf(apex), {
    metadata: { annotations: { [ORIGINAL_ANNOTATION]: null, [APPLIED_HASH_ANNOTATION]: null } },
    spec: original
      ? { selector: replacing(spec.selector ?? {}, original.selector), ports: original.ports }
      : { selector: replacing(spec.selector ?? {}, selectTarget(canary, deps)) },
  }, 'merge');
}

function selectTarget(canary: Canary, deps: RouterDeps): Record<string, string> {
  const sel = selectors(canary, deps.cache);
  return { [sel.key]: sel.canary };
}

/** A merge patch that turns selector `from` into exactly `to`. */
function replacing(from: Record<string, string>, to: Record<string, string>): Record<string, string | null> {
  const patch: Record<string, string | null> = Object.fromEntries(Object.keys(from).map((k) => [k, null]));
  return { ...patch, ...to };
}

function parseOriginal(raw: string | undefined): OriginalApex | undefined {
  if (raw === undefined) return undefined;
  try {
    const parsed = JSON.parse(raw) as Partial<OriginalApex>;
    if (typeof parsed.selector !== 'object' || !Array.isArray(parsed.ports)) return undefined;
    return { selector: parsed.selector ?? {}, ports: parsed.ports };
  } catch {
    return undefined;
  }
}

const refOf = (obj: KubeObject) => ({ apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace ?? 'default', name: obj.metadata.name ?? '' });
