import { type Canary, checkCanaryRules, formatPath } from '../api/index.js';

/** Cross-field rules as one-line messages for the Ready condition. */
export const canaryProblems = (canary: Canary): string[] =>
  checkCanaryRules(canary.spec).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
