import type { AlertMessage, Destination } from './types.js';

export interface SlackField {
  title: string;
  value: string;
  short: boolean;
}

export interface SlackAttachment {
  color: string;
  author_name: string;
  text: string;
  mrkdwn_in: string[];
  fields: SlackField[];
}

/**
 * Flagger's Slack message (legacy attachments): what Discord (at `/slack`) and Rocket.Chat take, as
 * neither renders Block Kit. Slack itself gets Block Kit (slack.ts).
 */
export interface SlackPayload {
  channel: string;
  username: string;
  icon_url: string;
  icon_emoji: string;
  attachments: SlackAttachment[];
}

export interface SlackColors {
  error: string;
  other: string;
}

export const SLACK_COLORS: SlackColors = { error: 'danger', other: 'good' };

export function slackPayload(message: AlertMessage, destination: Destination, colors: SlackColors = SLACK_COLORS): SlackPayload {
  return {
    channel: destination.channel,
    username: destination.username,
    icon_url: '',
    icon_emoji: ':rocket:',
    attachments: [
      {
        color: message.severity === 'error' ? colors.error : colors.other,
        author_name: `${message.name}.${message.namespace}`,
        text: message.message,
        mrkdwn_in: ['text'],
        fields: Object.entries(message.fields).map(([title, value]) => ({ title, value, short: false })),
      },
    ],
  };
}
