import { isMap } from './yaml-values.js';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** The part of kustomize Pennant honours: a list of files and directories, and a namespace. */
export interface Kustomization {
  resources: string[];
  namespace?: string;
}

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'namespace']);

/**
 * Reads a kustomization.yaml that only lists `resources` (local files and directories) and
 * optionally sets `namespace`. Anything else would change the manifests in ways Pennant does not
 * reproduce, so it is an error rather than silently ignored: render such manifests in CI instead.
 */
export function parseKustomization(value: unknown): { ok: true; kustomization: Kustomization } | { ok: false; message: string } {
  if (!isMap(value)) return { ok: false, message: 'a kustomization must be a map' };
  const unsupported = Object.keys(value).filter((key) => !SUPPORTED.has(key));
  if (unsupported.length > 0) {
    const list = unsupported.join(', ');
    return { ok: false, message: `kustomize feature${unsupported.length > 1 ? 's' : ''} ${list} ${unsupported.length > 1 ? 'are' : 'is'} not supported; render your manifests (kustomize build) and commit the result, or keep only resources and namespace` };
  }
  const resources = value.resources ?? [];
  if (!Array.isArray(resources) || !resources.every((r) => typeof r === 'string')) return { ok: false, message: 'resources must be a list of paths' };
  const remote = resources.find(isRemote);
  if (remote) return { ok: false, message: `remote resource ${remote} is not supported: list files and directories of this repository` };
  if (value.namespace !== undefined && typeof value.namespace !== 'string') return { ok: false, message: 'namespace must be a string' };
  return { ok: true, kustomization: { resources, ...(typeof value.namespace === 'string' ? { namespace: value.namespace } : {}) } };
}

const isRemote = (path: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(path) || path.includes('?ref=') || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(path) || path.startsWith('git@');
