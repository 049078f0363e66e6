export { callWebhook, hookType, DEFAULT_HOOK_TIMEOUT_MS, type CallWebhookOptions } from './call.js';
export * from './payload.js';
export * from './retry.js';
export { runHooks, runEventHooks, hooksOfType, type HookCaller, type HookCallOptions } from './run.js';
export { parseDuration } from './duration.js';
export { describeServer, scrubUrl } from './url.js';
