import type { YamlEdit, YamlPath } from './yaml-edit.js';
import { deepEqual, isMap, namedItems, sameScalar } from './yaml-values.js';

/**
 * The edits that make Git's `declared` value (a pod template as written in Git) produce `wanted`
 * (as the API server stores it), given `live`: what the API server made of `declared` (Git plus
 * defaults and fields other managers set). A field Git does not write is added only when `wanted`
 * differs from `live` there, so the defaults the API server fills in never land in Git. Lists of
 * named items (containers, env, ports, volumes) are matched by name.
 */
export function templateEdits(base: YamlPath, declared: unknown, live: unknown, wanted: unknown): YamlEdit[] {
  const edits: YamlEdit[] = [];
  diff(base, declared, live, wanted, edits);
  return ordered(edits);
}

function diff(path: YamlPath, declared: unknown, live: unknown, wanted: unknown, edits: YamlEdit[]): void {
  if (isMap(declared) && isMap(wanted)) return diffMaps(path, declared, isMap(live) ? live : {}, wanted, edits);
  if (Array.isArray(declared) && Array.isArray(wanted)) return diffLists(path, declared, Array.isArray(live) ? live : [], wanted, edits);
  const scalars = !isCollection(declared) && !isCollection(wanted);
  if (scalars ? !sameScalar(declared, wanted) : !deepEqual(declared, wanted)) edits.push({ op: 'set', path, value: wanted });
}

function diffMaps(path: YamlPath, declared: Record<string, unknown>, live: Record<string, unknown>, wanted: Record<string, unknown>, edits: YamlEdit[]): void {
  for (const [key, value] of Object.entries(wanted)) {
    if (declared[key] !== undefined && declared[key] !== null) diff([...path, key], declared[key], live[key], value, edits);
    else if (!deepEqual(live[key], value) && !isEmpty(value)) edits.push({ op: 'set', path: [...path, key], value });
  }
  for (const [key, value] of Object.entries(declared)) {
    if (!(key in wanted) && !isEmpty(value)) edits.push({ op: 'delete', path: [...path, key] });
  }
}

function diffLists(path: YamlPath, declared: unknown[], live: unknown[], wanted: unknown[], edits: YamlEdit[]): void {
  if (namedItems(declared) && namedItems(wanted)) {
    const liveByName = new Map(namedItems(live) ? live.map((item) => [item.name, item] as const) : []);
    for (const item of wanted) {
      const at = declared.findIndex((d) => d.name === item.name);
      if (at < 0) edits.push({ op: 'append', path, value: item });
      else diff([...path, at], declared[at], liveByName.get(item.name), item, edits);
    }
    declared.forEach((item, at) => {
      if (!wanted.some((w) => w.name === item.name)) edits.push({ op: 'delete', path: [...path, at] });
    });
    return;
  }
  if (declared.length !== wanted.length) {
    edits.push({ op: 'set', path, value: wanted });
    return;
  }
  wanted.forEach((item, i) => diff([...path, i], declared[i], live[i], item, edits));
}

/** Sets first (on the original positions), then deletions from the back, then appends. */
function ordered(edits: YamlEdit[]): YamlEdit[] {
  const last = (e: YamlEdit): number => {
    const segment = e.path[e.path.length - 1];
    return typeof segment === 'number' ? segment : -1;
  };
  const deletes = edits.filter((e) => e.op === 'delete').sort((a, b) => last(b) - last(a));
  return [...edits.filter((e) => e.op === 'set'), ...deletes, ...edits.filter((e) => e.op === 'append')];
}

const isCollection = (value: unknown): boolean => value !== null && typeof value === 'object';
const isEmpty = (value: unknown): boolean =>
  value === null || value === undefined || (Array.isArray(value) && value.length === 0) || (isMap(value) && Object.keys(value).length === 0);

export interface ContainerImages {
  containers: Map<string, string>;
  initContainers: Map<string, string>;
}

export const CONTAINER_LISTS = ['initContainers', 'containers'] as const;

/** Container name → image, per list, of a pod spec. */
export function imagesOf(podSpec: unknown): ContainerImages {
  const list = (key: string): Map<string, string> => {
    const items = isMap(podSpec) && Array.isArray(podSpec[key]) ? podSpec[key] : [];
    return new Map(items.flatMap((c) => (isMap(c) && typeof c.name === 'string' && typeof c.image === 'string' ? [[c.name, c.image] as const] : [])));
  };
  return { containers: list('containers'), initContainers: list('initContainers') };
}

/** Sets the image of every container (and init container) Git declares to the one in `wanted`, matched by name. */
export function imageEdits(base: YamlPath, declaredPodSpec: unknown, wanted: ContainerImages): YamlEdit[] {
  const edits: YamlEdit[] = [];
  for (const list of CONTAINER_LISTS) {
    const items = isMap(declaredPodSpec) && Array.isArray(declaredPodSpec[list]) ? declaredPodSpec[list] : [];
    items.forEach((container, i) => {
      const image = isMap(container) && typeof container.name === 'string' ? wanted[list].get(container.name) : undefined;
      if (image !== undefined && isMap(container) && container.image !== image) edits.push({ op: 'set', path: [...base, list, i, 'image'], value: image });
    });
  }
  return edits;
}

/** "podinfo:6.0.1", or "app=podinfo:6.0.1, proxy=envoy:1.30" when there are several containers. */
export function describeImages(images: ContainerImages): string {
  const all = [...images.initContainers, ...images.containers];
  if (images.containers.size === 1 && images.initContainers.size === 0) return [...images.containers.values()][0] ?? '';
  return all.map(([name, image]) => `${name}=${image}`).join(', ');
}
