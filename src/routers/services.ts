import type { Canary } from '../api/index.js';
import type { KubeObject, ResourceType } from '../kube/types.js';
import { podController, type PodController } from '../workloads/k8s-types.js';
import { ownerReference, selectorLabel } from '../workloads/primary.js';
import type { ObjectReader } from '../workloads/types.js';
import { handsOff, withoutHandsOff } from './gitops-hands-off.js';
import { RouterError } from './types.js';

export const SERVICE: ResourceType = { apiVersion: 'v1', kind: 'Service' };
export const DEPLOYMENT: ResourceType = { apiVersion: 'apps/v1', kind: 'Deployment' };

export const serviceName = (canary: Canary): string => canary.spec.service?.name ?? canary.spec.targetRef.name;
export const namespaceOf = (canary: Canary): string => canary.metadata.namespace ?? 'default';

export interface Selectors {
  key: string;
  primary: string;
  canary: string;
}

/** The label that tells primary pods (`<value>-primary`) from canary pods (`<value>`). */
export function selectors(canary: Canary, cache: ObjectReader): Selectors {
  const target = readTarget(canary, cache);
  const { key, value } = selectorLabel(target);
  return { key, primary: `${value}-primary`, canary: value };
}

/** The target, whatever its kind (its workload watches it): routers read only its selector and pod template. */
export function readTarget(canary: Canary, cache: ObjectReader): PodController {
  const { kind, name } = canary.spec.targetRef;
  const raw = cache.get({ apiVersion: 'apps/v1', kind }, namespaceOf(canary), name);
  if (!raw) throw new RouterError(`${kind} ${namespaceOf(canary)}/${name} not found`);
  return podController.parse(raw);
}

type Role = 'apex' | 'primary' | 'canary';

/** A ClusterIP Service for one role; the apex selects whichever pods `selectValue` names. */
/**
 * Without the Canary's ownerReference, so that the garbage collector leaves it when the Canary goes:
 * what revertOnDeletion hands back must outlive the Canary. Without the GitOps hands-off
 * annotations either, so that Flux reconciles it again.
 */
export function released(obj: KubeObject): KubeObject {
  const { ownerReferences: _owners, ...metadata } = obj.metadata as KubeObject['metadata'] & { ownerReferences?: unknown };
  return withoutHandsOff({ ...obj, metadata });
}

export function buildService(canary: Canary, role: Role, sel: Selectors, selectValue: string, target: PodController): KubeObject {
  const service = canary.spec.service;
  if (!service) throw new RouterError('spec.service is required to generate Services');
  const name = role === 'apex' ? serviceName(canary) : `${serviceName(canary)}-${role}`;
  const meta = service[role];
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: namespaceOf(canary),
      labels: { [sel.key]: name, ...(meta?.labels ?? {}) },
      annotations: handsOff(meta?.annotations),
      ownerReferences: [ownerReference(canary)],
    },
    spec: {
      type: 'ClusterIP',
      ...(service.headless ? { clusterIP: 'None' } : {}),
      ...(service.trafficDistribution ? { trafficDistribution: service.trafficDistribution } : {}),
      selector: { [sel.key]: selectValue },
      ports: servicePorts(canary, target),
    },
  };
}

export function servicePorts(canary: Canary, target: PodController): Record<string, unknown>[] {
  const service = canary.spec.service;
  if (!service) return [];
  const main = {
    name: service.portName ?? 'http',
    port: service.port,
    targetPort: service.targetPort ?? service.port,
    protocol: 'TCP',
    ...(service.appProtocol ? { appProtocol: service.appProtocol } : {}),
  };
  if (!service.portDiscovery) return [main];
  return [main, ...discoveredPorts(target, main)];
}

/** portDiscovery: every other named TCP container port of the target, exposed as is. */
function discoveredPorts(target: PodController, main: { name: string; port: number; targetPort: number | string }): Record<string, unknown>[] {
  const spec = target.spec.template.spec as { containers?: { ports?: { name?: string; containerPort?: number; protocol?: string }[] }[] } | undefined;
  const ports: Record<string, unknown>[] = [];
  for (const container of spec?.containers ?? []) {
    for (const port of container.ports ?? []) {
      if (!port.containerPort || (port.protocol ?? 'TCP') !== 'TCP') continue;
      if (port.containerPort === main.port || port.containerPort === main.targetPort || port.name === main.targetPort) continue;
      const name = port.name ?? `tcp-${port.containerPort}`;
      if (name === main.name || ports.some((p) => p.name === name)) continue;
      ports.push({ name, port: port.containerPort, targetPort: port.containerPort, protocol: 'TCP' });
    }
  }
  return ports;
}
