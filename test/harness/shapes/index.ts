import type { MetricShapeFactory } from '../metric-shapes.js';
import { istioShape } from './istio.js';
import { kubernetesShape } from './kubernetes.js';

export { istioShape, kubernetesShape };

/** Every shape we can export; a simulator exports all of them unless told otherwise. Add new providers' here. */
export const ALL_SHAPES: Readonly<Record<string, MetricShapeFactory>> = {
  kubernetes: kubernetesShape,
  istio: istioShape,
};
