/**
 * The little of the API server's schemas that server-side apply needs to treat Pennant's objects as
 * the real server does (checked against kube-apiserver 1.34 by the kube contract suite):
 * - lists merged by key (`x-kubernetes-list-type: map`): an element another manager added survives
 *   an apply that does not list it, and each element is owned on its own;
 * - maps replaced as a whole (`x-kubernetes-map-type: atomic`): one manager owns the whole map.
 * Every other list is atomic (so are all lists of custom resources without list-type markers:
 * VirtualService http routes, HTTPRoute rules…) and every other map is merged key by key. Lists
 * the real server merges by key but this table does not name (a Deployment's containers, env…) are
 * treated as atomic: an approximation Pennant does not depend on.
 */

type Path = readonly string[];

export interface FieldSchema {
  /** Key fields, with their defaults, of the list at `path` when it is merged by key; undefined otherwise. */
  listKeys(path: Path): Readonly<Record<string, unknown>> | undefined;
  /** Is the map at `path` replaced as a whole? */
  atomic(path: Path): boolean;
}

interface ListRule { kinds: '*' | readonly string[]; path: Path; keys: Readonly<Record<string, unknown>> }
interface AtomicRule { kinds: readonly string[]; path: Path }

const LIST_MAPS: readonly ListRule[] = [
  { kinds: '*', path: ['metadata', 'ownerReferences'], keys: { uid: undefined } },
  { kinds: ['Service'], path: ['spec', 'ports'], keys: { port: undefined, protocol: 'TCP' } },
];

const ATOMIC_MAPS: readonly AtomicRule[] = [{ kinds: ['Service'], path: ['spec', 'selector'] }];

const samePath = (a: Path, b: Path): boolean => a.length === b.length && a.every((segment, i) => segment === b[i]);
const applies = (kinds: '*' | readonly string[], kind: string): boolean => kinds === '*' || kinds.includes(kind);

export function fieldSchema(kind: string): FieldSchema {
  const lists = LIST_MAPS.filter((rule) => applies(rule.kinds, kind));
  const atomics = ATOMIC_MAPS.filter((rule) => applies(rule.kinds, kind));
  return {
    listKeys: (path) => lists.find((rule) => samePath(rule.path, path))?.keys,
    atomic: (path) => atomics.some((rule) => samePath(rule.path, path)),
  };
}

/** A schema with no keyed lists and no atomic maps, for values outside any object. */
export const PLAIN_SCHEMA: FieldSchema = { listKeys: () => undefined, atomic: () => false };
