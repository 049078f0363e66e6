import { isMap, type PlainMap } from './yaml-values.js';

/** Annotations Pennant adds to the primary's pod template. */
export const PRIMARY_ANNOTATIONS = ['pennant.dev/revision', 'pennant.dev/configs-checksum'];
const PRIMARY_SUFFIX = '-primary';

export interface PrimaryTemplateInput {
  /** `<target>-primary`'s pod template, as stored. */
  primary: unknown;
  /** The target's `spec.selector.matchLabels`: the primary's selector label is this value + `-primary`. */
  targetSelector: Record<string, string>;
  /** Is `<name>-primary` of this kind a copy Pennant made of a tracked ConfigMap or Secret? */
  isPrimaryCopy: (kind: 'ConfigMap' | 'Secret', name: string) => boolean;
}

/**
 * The pod template the primary runs, as the target declared it: Pennant's selector label value,
 * annotations and `-primary` config references undone, so that Git can declare it again.
 */
export function promotedTemplate(input: PrimaryTemplateInput): PlainMap {
  const template = structuredClone(isMap(input.primary) ? input.primary : {});
  const unprimary = (key: string, value: string): string =>
    input.targetSelector[key] !== undefined && value === `${input.targetSelector[key]}${PRIMARY_SUFFIX}` ? input.targetSelector[key] : value;
  const metadata = isMap(template.metadata) ? template.metadata : undefined;
  if (metadata && isMap(metadata.labels)) {
    for (const [key, value] of Object.entries(metadata.labels)) if (typeof value === 'string') metadata.labels[key] = unprimary(key, value);
  }
  if (metadata && isMap(metadata.annotations)) {
    for (const key of PRIMARY_ANNOTATIONS) delete metadata.annotations[key];
    if (Object.keys(metadata.annotations).length === 0) delete metadata.annotations;
  }
  const spec = isMap(template.spec) ? template.spec : undefined;
  if (spec) {
    renameConfigRefs(spec, input.isPrimaryCopy);
    for (const key of ['affinity', 'topologySpreadConstraints']) visitMatchLabels(spec[key], (labels) => {
      for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') labels[k] = unprimary(k, v);
    });
  }
  return template;
}

const CONFIG_HOLDERS: Record<string, { kind: 'ConfigMap' | 'Secret'; keys: string[] }> = {
  configMap: { kind: 'ConfigMap', keys: ['name'] },
  configMapRef: { kind: 'ConfigMap', keys: ['name'] },
  configMapKeyRef: { kind: 'ConfigMap', keys: ['name'] },
  secret: { kind: 'Secret', keys: ['secretName', 'name'] },
  secretRef: { kind: 'Secret', keys: ['name'] },
  secretKeyRef: { kind: 'Secret', keys: ['name'] },
};

/** Volumes, projected sources, env and envFrom name configs through these keys anywhere in a pod spec. */
function renameConfigRefs(node: unknown, isPrimaryCopy: PrimaryTemplateInput['isPrimaryCopy']): void {
  if (Array.isArray(node)) return node.forEach((item) => renameConfigRefs(item, isPrimaryCopy));
  if (!isMap(node)) return;
  for (const [key, child] of Object.entries(node)) {
    const holder = CONFIG_HOLDERS[key];
    if (holder && isMap(child)) {
      for (const nameKey of holder.keys) {
        const name = child[nameKey];
        if (typeof name === 'string' && name.endsWith(PRIMARY_SUFFIX) && isPrimaryCopy(holder.kind, name)) child[nameKey] = name.slice(0, -PRIMARY_SUFFIX.length);
      }
    }
    renameConfigRefs(child, isPrimaryCopy);
  }
}

function visitMatchLabels(node: unknown, visit: (labels: PlainMap) => void): void {
  if (Array.isArray(node)) return node.forEach((item) => visitMatchLabels(item, visit));
  if (!isMap(node)) return;
  const selector = node.labelSelector;
  if (isMap(selector) && isMap(selector.matchLabels)) visit(selector.matchLabels);
  for (const child of Object.values(node)) visitMatchLabels(child, visit);
}
