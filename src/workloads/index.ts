export * from './types.js';
export { DeploymentWorkload, namespaceOf } from './deployment-target.js';
export { hashPodTemplate, canonicalJson, shortHash } from './revision.js';
export { deploymentReadiness } from './readiness.js';
export { buildPrimary, buildPrimaryAutoscaler, selectorLabel, primaryName, ownerReference, SelectorError, REVISION_ANNOTATION, SELECTOR_LABELS } from './primary.js';
export { configRefs, renameConfigRefs, configChecksum } from './configs.js';
export { workloadFor } from './factory.js';
