import { formatPath, validateManifest } from '../api/index.js';

/**
 * Everything `pennant validate` would say about the Canary as stored (schema, cross-field rules), as
 * one-line messages for the Ready condition: the same words in `kubectl describe` as in CI.
 */
export const canaryProblems = (raw: unknown): string[] =>
  validateManifest(raw)
    .filter((issue) => issue.severity === 'error')
    .map((issue) => `${formatPath(issue.path)}: ${issue.message}${issue.hint ? ` (${issue.hint})` : ''}`);
