import type { PodTemplate } from './k8s-types.js';

/**
 * A DaemonSet has no replicas: it runs one pod on every node its pod template's nodeSelector admits.
 * Flagger "scales it to zero" with a nodeSelector no node has, under Flagger's name so a target
 * handed over from Flagger (or back to it) reads the same.
 */
export const SCALE_TO_ZERO_KEY = 'flagger.app/scale-to-zero';
export const SCALE_TO_ZERO_VALUE = 'true';

const nodeSelectorOf = (template: PodTemplate): Record<string, unknown> | undefined =>
  (template.spec as { nodeSelector?: Record<string, unknown> } | undefined)?.nodeSelector;

export const isScaledToZero = (template: PodTemplate): boolean => nodeSelectorOf(template)?.[SCALE_TO_ZERO_KEY] === SCALE_TO_ZERO_VALUE;

/**
 * The template without the scale-to-zero selector: what the target's revision is hashed from (scaling
 * is not a new revision, as in Flagger's HasTargetChanged) and what the primary runs.
 */
export function withoutScaleToZero(template: PodTemplate): PodTemplate {
  const selector = nodeSelectorOf(template);
  if (!selector) return template;
  const { [SCALE_TO_ZERO_KEY]: _gone, ...rest } = selector;
  if (Object.keys(rest).length === Object.keys(selector).length && Object.keys(rest).length > 0) return template;
  const { nodeSelector: _all, ...spec } = template.spec ?? {};
  // An empty selector (what scaling back up leaves) is no selector: the primary's template stays the one the user wrote.
  return { ...template, spec: Object.keys(rest).length > 0 ? { ...spec, nodeSelector: rest } : spec };
}

/** The merge patch that scales a DaemonSet to zero (`up: false`) or back to every node it selects. */
export const scaleToZeroPatch = (up: boolean): Record<string, unknown> => ({
  spec: { template: { spec: { nodeSelector: { [SCALE_TO_ZERO_KEY]: up ? null : SCALE_TO_ZERO_VALUE } } } },
});
