import { isObject } from './json.js';
import type { KubeObject, ObjectRef, ResourceType } from './types.js';

/** The ref of a stored or to-be-stored object. */
export function refOf(obj: KubeObject): ObjectRef {
  const ref: ObjectRef = { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name ?? '' };
  if (obj.metadata.namespace) ref.namespace = obj.metadata.namespace;
  return ref;
}

/** "apps/v1 Deployment test/podinfo" — the object as error messages name it. */
export function describeRef(ref: ResourceType & { namespace?: string; name?: string }): string {
  const where = ref.namespace ? `${ref.namespace}/${ref.name ?? ''}` : (ref.name ?? '');
  return `${ref.apiVersion} ${ref.kind} ${where}`.trimEnd();
}

export function describeType(type: ResourceType, namespace?: string): string {
  return `${type.apiVersion} ${type.kind}${namespace ? ` in ${namespace}` : ''}`;
}

/** Splits "apps/v1" into group "apps" and version "v1"; the core group is "". */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** A response body as a KubeObject of `type`: list items and some responses leave out apiVersion and kind. */
export function asKubeObject(type: ResourceType, body: unknown): KubeObject {
  const obj = isObject(body) ? body : {};
  return { ...obj, apiVersion: type.apiVersion, kind: type.kind, metadata: isObject(obj.metadata) ? obj.metadata : {} } as KubeObject;
}
