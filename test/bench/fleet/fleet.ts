import { ERROR_RATE_ANNOTATION } from '../../../src/demo/traffic-annotations.js';
import { podinfoCanary, podinfoDeployment } from '../../../src/demo/manifests.js';
import type { KubeClient, KubeObject } from '../../../src/kube/types.js';
import type { SimulatedApp } from '../../harness/index.js';

export interface FleetMember {
  namespace: string;
  name: string;
}

export interface FleetPlan {
  members: FleetMember[];
  /** Given a healthy new revision for the measured window. */
  progressing: FleetMember[];
  /** Given a revision answering only errors (none when every canary progresses). */
  faulty: FleetMember | undefined;
}

const PER_NAMESPACE = 100;
export const UNRELATED_NAMESPACE = 'bench-unrelated';
const REVISION_ANNOTATION = 'bench.pennant.dev/revision';

export function planFleet(canaries: number, progressing: number): FleetPlan {
  const members = Array.from({ length: canaries }, (_, i) => ({ namespace: `bench-${String(Math.floor(i / PER_NAMESPACE)).padStart(2, '0')}`, name: `app-${i}` }));
  return { members, progressing: members.slice(0, progressing), faulty: progressing < canaries ? members.at(-1) : undefined };
}

export function fleetApps(plan: FleetPlan, provider: string): SimulatedApp[] {
  return plan.members.map((m) => ({ namespace: m.namespace, service: m.name, target: m.name, provider }));
}

/** Iterations outlast the measured window, so every bumped canary is still analysing at its end. */
export function fleetObjects(member: FleetMember, o: { apiVersion: string; provider: string; interval: string; iterations: number }): KubeObject[] {
  const deployment = podinfoDeployment(member.namespace, { image: 'ghcr.io/stefanprodan/podinfo:6.0.0' }, member.name);
  (deployment.spec as { replicas: number }).replicas = 1;
  const canary = podinfoCanary({ namespace: member.namespace, name: member.name, interval: o.interval, provider: o.provider, iterations: o.iterations, threshold: 2, progressDeadlineSeconds: 600 });
  return [deployment, { ...canary, apiVersion: o.apiVersion }];
}

/** Runs `work` over `items`, `concurrency` at a time. */
export async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export async function createNamespaces(kube: KubeClient, names: readonly string[]): Promise<void> {
  for (const name of new Set(names)) await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

/** Secrets and ConfigMaps no Canary refers to, as a shared cluster has (Helm releases, certificates…). */
export async function createUnrelated(kube: KubeClient, count: number): Promise<void> {
  await createNamespaces(kube, [UNRELATED_NAMESPACE]);
  const payload = 'x'.repeat(2048);
  const indexes = Array.from({ length: count }, (_, i) => i);
  await inParallel(indexes, 16, (i) =>
    kube.create(i % 2
      ? { apiVersion: 'v1', kind: 'Secret', metadata: { name: `unrelated-${i}`, namespace: UNRELATED_NAMESPACE }, stringData: { value: payload } }
      : { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `unrelated-${i}`, namespace: UNRELATED_NAMESPACE }, data: { value: payload } }),
  );
}

/** A new pod template: healthy, or (`faulty`) answering every request with a 500. */
export async function bump(kube: KubeClient, member: FleetMember, faulty = false): Promise<void> {
  const annotations: Record<string, string> = { [REVISION_ANNOTATION]: '2', ...(faulty ? { [ERROR_RATE_ANNOTATION]: '1' } : {}) };
  await kube.patch({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: member.namespace, name: member.name }, { spec: { template: { metadata: { annotations } } } }, 'merge');
}
