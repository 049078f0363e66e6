import type { KubeObject, ResourceType } from '../kube/types.js';
import { needsApply } from '../kube/drift.js';
import type { RouterDeps } from './types.js';

/** Server-side apply, skipped when the informer cache shows the object already as desired. */
export async function applyIfChanged(deps: RouterDeps, obj: KubeObject): Promise<void> {
  const type: ResourceType = { apiVersion: obj.apiVersion, kind: obj.kind };
  const current = deps.cache.get(type, obj.metadata.namespace ?? 'default', obj.metadata.name ?? '');
  if (!needsApply(obj, current)) return;
  await deps.kube.apply(obj, { force: true });
}
