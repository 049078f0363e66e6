import { DEFAULT_PROVIDER, formatPath, type Provider, validateManifest, type ValidationIssue } from '../api/index.js';

/** What `pennant validate` says about a stored object, as one-line messages. */
export interface CanaryFindings {
  /** The Canary is not acted on: the Ready condition carries these. */
  errors: string[];
  /** The Canary runs; each is recorded once per spec generation as a ValidationWarning Event. */
  warnings: string[];
}

export type CanaryRules = (raw: unknown, defaultProvider: Provider) => CanaryFindings;

const line = (issue: ValidationIssue): string => `${formatPath(issue.path)}: ${issue.message}${issue.hint ? ` (${issue.hint})` : ''}`;

/**
 * Everything `pennant validate --provider <defaultProvider>` would say about a Pennant object as stored
 * (schema, cross-field rules, the capability table): the same words in `kubectl describe` as in CI.
 */
export function manifestFindings(raw: unknown, defaultProvider: Provider = DEFAULT_PROVIDER): CanaryFindings {
  const issues = validateManifest(raw, { defaultProvider });
  return {
    errors: issues.filter((issue) => issue.severity === 'error').map(line),
    warnings: [...new Set(issues.filter((issue) => issue.severity === 'warning').map(line))],
  };
}

export const canaryProblems: CanaryRules = manifestFindings;
