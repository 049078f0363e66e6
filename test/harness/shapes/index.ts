import type { MetricShapeFactory } from '../metric-shapes.js';
import { contourShape } from './contour.js';
import { istioShape } from './istio.js';
import { kubernetesShape } from './kubernetes.js';
import { linkerdShape } from './linkerd.js';
import { nginxShape } from './nginx.js';
import { traefikShape } from './traefik.js';

export { contourShape, istioShape, kubernetesShape, linkerdShape, nginxShape, traefikShape };

/** Every shape we can export; a simulator exports all of them unless told otherwise. Add new providers' here. */
export const ALL_SHAPES: Readonly<Record<string, MetricShapeFactory>> = {
  kubernetes: kubernetesShape,
  istio: istioShape,
  nginx: nginxShape,
  contour: contourShape,
  traefik: traefikShape,
  linkerd: linkerdShape,
};
