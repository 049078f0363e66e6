export * from './types.js';
export { LogNotifier } from './log-notifier.js';
