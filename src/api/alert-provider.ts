import { z } from 'zod';
import { namedRef, objectMeta } from './common.js';

export const ALERT_PROVIDER_TYPES = ['slack', 'msteams', 'discord', 'rocket', 'gchat', 'generic'] as const;

/**
 * Flagger's CRD demands exactly one of address and secretRef, yet its docs show both (secretRef wins):
 * we accept both and let secretRef win, as the docs say.
 */
export const alertProviderSpec = z.object({
  type: z.enum(ALERT_PROVIDER_TYPES),
  channel: z.string().optional(),
  username: z.string().optional(),
  address: z.string().optional().describe('Webhook URL; prefer secretRef, URLs are secrets'),
  proxy: z.string().optional(),
  secretRef: namedRef.optional().describe('Secret holding `address` (wins over spec.address) and optional `token`'),
  link: z
    .url({ protocol: /^https?$/, error: 'spec.link must be an http(s) URL (e.g. https://grafana.example.com/d/canary?var-namespace={namespace}&var-canary={name})' })
    .optional()
    .describe('Pennant: a link shown in Slack and Teams messages (a button); {namespace} and {name} become the Canary\'s. Wins over --alert-link'),
});
export type AlertProviderSpec = z.infer<typeof alertProviderSpec>;

export const alertProvider = z.object({
  apiVersion: z.string(),
  kind: z.literal('AlertProvider'),
  metadata: objectMeta,
  spec: alertProviderSpec,
});
export type AlertProvider = z.infer<typeof alertProvider>;
