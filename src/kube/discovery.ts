import { KubeError } from './errors.js';
import { isObject } from './json.js';
import type { RestClient } from './rest-client.js';
import type { ResourceType } from './types.js';

export interface ResourceInfo {
  /** Plural resource name in the URL: "deployments". */
  plural: string;
  namespaced: boolean;
}

/** Where an object or a collection lives: "/apis/apps/v1/namespaces/test/deployments/podinfo/status". */
export function resourcePath(apiVersion: string, info: ResourceInfo, at: { namespace?: string; name?: string; subresource?: string }): string {
  const parts = [apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`];
  // A namespaced object without a namespace is in "default", as kubectl and client-node place it;
  // a collection without one is every namespace.
  const namespace = at.namespace ?? (at.name !== undefined ? 'default' : undefined);
  if (info.namespaced && namespace !== undefined) parts.push('namespaces', encodeURIComponent(namespace));
  parts.push(info.plural);
  if (at.name !== undefined) parts.push(encodeURIComponent(at.name));
  if (at.subresource) parts.push(at.subresource);
  return parts.join('/');
}

/**
 * API discovery: which plural name and scope a kind has, from /api/v1 or /apis/<group>/<version>.
 * One request per apiVersion, cached; a kind missing from a cached list triggers one refetch
 * (a CRD installed since), and a failed fetch is not cached.
 */
export class Discovery {
  private readonly lists = new Map<string, Promise<Map<string, ResourceInfo>>>();

  constructor(private readonly rest: RestClient) {}

  async resolve(type: ResourceType): Promise<ResourceInfo> {
    // Objects come from users' manifests: a missing or mistyped apiVersion or kind is their error.
    for (const field of ['apiVersion', 'kind'] as const) {
      const value: unknown = type[field];
      if (typeof value !== 'string' || value === '') throw new KubeError('Invalid', `${field} is required (a string such as ${field === 'kind' ? '"Canary"' : '"pennant.dev/v1beta1"'}), got ${JSON.stringify(value) ?? 'nothing'}`, 422);
    }
    const cached = (await this.resources(type.apiVersion, false)).get(type.kind);
    if (cached) return cached;
    const fresh = (await this.resources(type.apiVersion, true)).get(type.kind);
    if (fresh) return fresh;
    throw new KubeError('NotFound', `the server serves no kind ${type.kind} in ${type.apiVersion} (is its CRD installed?)`, 404);
  }

  private resources(apiVersion: string, refresh: boolean): Promise<Map<string, ResourceInfo>> {
    const cached = this.lists.get(apiVersion);
    if (cached && !refresh) return cached;
    const loading = this.fetch(apiVersion);
    this.lists.set(apiVersion, loading);
    loading.catch(() => {
      if (this.lists.get(apiVersion) === loading) this.lists.delete(apiVersion);
    });
    return loading;
  }

  private async fetch(apiVersion: string): Promise<Map<string, ResourceInfo>> {
    const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    let list: unknown;
    try {
      list = await this.rest.request({ method: 'GET', path });
    } catch (err) {
      if (err instanceof KubeError && err.code === 'NotFound') {
        throw new KubeError('NotFound', `the server does not serve API version ${apiVersion}`, 404, { cause: err });
      }
      throw err;
    }
    const byKind = new Map<string, ResourceInfo>();
    const resources = isObject(list) && Array.isArray(list.resources) ? list.resources : [];
    for (const r of resources) {
      // Subresources ("deployments/status") share the kind of their parent: skip them.
      if (!isObject(r) || typeof r.name !== 'string' || r.name.includes('/') || typeof r.kind !== 'string') continue;
      byKind.set(r.kind, { plural: r.name, namespaced: r.namespaced === true });
    }
    return byKind;
  }
}
