import { operatorRequest, type OperatorRequest, REQUEST_ANNOTATION } from '../api/request.js';

/**
 * How a person steers a rollout (the CLI, the web view): a request written to the annotation
 * `pennant.dev/request` of the Canary, never to its spec (the format is in src/api/request.ts, where
 * the engine reads it). Writers build the patch here.
 */
export { operatorRequest, readRequest, REQUEST_ANNOTATION, VERBS } from '../api/request.js';
export type { OperatorRequest, ReadRequest, Verb } from '../api/request.js';

/** The merge patch that asks for `request`. */
export function requestPatch(request: OperatorRequest): { metadata: { annotations: Record<string, string> } } {
  return { metadata: { annotations: { [REQUEST_ANNOTATION]: JSON.stringify(operatorRequest.parse(request)) } } };
}
