import { type SlackColors, slackPayload } from './slack-attachments.js';
import type { ProviderFormat } from './types.js';

/** Rocket.Chat's incoming webhooks take the Slack payload; Flagger colours it with hex codes. */
export const ROCKET_COLORS: SlackColors = { error: '#FF0000', other: '#0076D7' };

export const rocket: ProviderFormat = { payload: (message, destination) => slackPayload(message, destination, ROCKET_COLORS) };
