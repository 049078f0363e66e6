export * from './types.js';
export { advance, reportInvalid, FINALIZER, VALIDATION_WARNING } from './advance.js';
export { writeBackDueInMs } from './write-back.js';
export { parseDuration, formatDuration } from './duration.js';
export { resolveSettings, nextWeight, hooksOfType, type AnalysisSettings, type Strategy } from './settings.js';
export { isActivePhase, canaryId, revisionKey, PROMOTED, READY } from './status.js';
