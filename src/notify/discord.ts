import { posix } from 'node:path';
import { slackPayload } from './slack-attachments.js';
import type { ProviderFormat } from './types.js';

/**
 * Discord's Slack-compatible endpoint: the Slack payload, POSTed to the webhook address with `/slack`
 * appended (unless it already ends so), as Flagger does.
 */
export function discordUrl(address: string): string {
  const url = new URL(address);
  if (!url.pathname.endsWith('/slack')) url.pathname = posix.join(url.pathname, 'slack');
  return url.toString();
}

export const discord: ProviderFormat = {
  payload: (message, destination) => slackPayload(message, destination),
  url: discordUrl,
};
