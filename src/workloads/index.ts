export * from './types.js';
export { DeploymentWorkload, namespaceOf } from './deployment-target.js';
export { DaemonSetWorkload, buildPrimaryDaemonSet, DAEMONSET } from './daemonset-target.js';
export { SCALE_TO_ZERO_KEY, SCALE_TO_ZERO_VALUE, isScaledToZero } from './daemonset-nodes.js';
export { hashPodTemplate, canonicalJson, shortHash } from './revision.js';
export { deploymentReadiness, daemonSetReadiness } from './readiness.js';
export { buildPrimary, buildPrimaryAutoscaler, selectorLabel, primaryName, ownerReference, SelectorError, REVISION_ANNOTATION, SELECTOR_LABELS } from './primary.js';
export { configRefs, renameConfigRefs, configChecksum } from './configs.js';
export { workloadFor } from './factory.js';
