import { z } from 'zod';
import { condition, duration, namedRef, objectMeta } from './common.js';

const gitRef = z
  .object({
    branch: z.string().min(1).optional(),
    tag: z.string().min(1).optional(),
    commit: z.string().regex(/^[0-9a-f]{7,40}$/, { message: 'expected a commit SHA (7 to 40 hex characters)' }).optional(),
  })
  .describe('What to check out: one of branch, tag or commit (default: branch main)');

export const objectReference = z.object({
  apiVersion: z.string(),
  kind: z.string(),
  namespace: z.string().optional(),
  name: z.string(),
});
export type ObjectReference = z.infer<typeof objectReference>;

export const gitSourceSpec = z.object({
  url: z.string().min(1).describe('Repository URL: https://, http://, ssh:// or git@host:path'),
  ref: gitRef.optional(),
  paths: z.array(z.string().min(1)).optional().describe('Directories (read recursively) or files with manifests, relative to the repository root (default ["."])'),
  interval: duration.optional().describe('How often to fetch and apply (default 5m)'),
  timeout: duration.optional().describe('Limit for one fetch or apply (default 1m)'),
  secretRef: namedRef
    .optional()
    .describe('Secret with credentials: `token` (HTTPS), or `username` and `password`, or `identity` (SSH private key) with `known_hosts`'),
  serviceAccountName: z
    .string()
    .min(1)
    .optional()
    .describe('Apply as this ServiceAccount of the GitSource\'s namespace: what it may not do, the GitSource cannot do'),
  targetNamespace: z.string().min(1).optional().describe('Namespace of the manifests that name none (default: the GitSource\'s)'),
  prune: z.boolean().optional().describe('Delete what was applied before and is no longer in Git (default true)'),
  suspend: z.boolean().optional(),
  webhook: z
    .object({ secretRef: namedRef.describe('Secret whose `token` signs push notifications (HMAC-SHA256, X-Hub-Signature-256)') })
    .optional()
    .describe('Sync on push: POST /hooks/gitsources/<namespace>/<name>'),
  writeBack: z
    .object({
      branch: z.string().min(1).optional().describe('Branch to commit to (default: ref.branch)'),
      author: z.object({ name: z.string().min(1), email: z.string().min(3) }).optional(),
      messageTemplate: z.string().optional().describe('{{ canary }}, {{ namespace }}, {{ outcome }}, {{ reason }}, {{ images }}'),
    })
    .optional()
    .describe('How rollout outcomes of Canaries applied from this source are committed back'),
});
export type GitSourceSpec = z.infer<typeof gitSourceSpec>;

export const gitSourceStatus = z.object({
  observedGeneration: z.number().optional(),
  lastFetchedRevision: z.string().optional(),
  lastAppliedRevision: z.string().optional(),
  lastAttemptedRevision: z.string().optional(),
  lastSyncTime: z.string().optional(),
  inventory: z.array(objectReference).optional().describe('What the last successful apply applied: pruning deletes what leaves it'),
  lastWriteBack: z
    .object({ commit: z.string(), canary: z.string(), outcome: z.enum(['promoted', 'rolledBack']), time: z.string() })
    .optional(),
  conditions: z.array(condition).optional(),
});
export type GitSourceStatus = z.infer<typeof gitSourceStatus>;

export const gitSource = z.object({
  apiVersion: z.string(),
  kind: z.literal('GitSource'),
  metadata: objectMeta,
  spec: gitSourceSpec,
  status: gitSourceStatus.optional(),
});
export type GitSource = z.infer<typeof gitSource>;
