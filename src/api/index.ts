export * from './common.js';
export * from './canary-service.js';
export * from './canary.js';
export * from './metric-template.js';
export * from './alert-provider.js';
