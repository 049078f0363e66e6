import { type AlertDetails, describeCheck } from './alert-details.js';
import { clip, factsOf } from './rich-text.js';
import type { AlertMessage, Destination, ProviderFormat } from './types.js';

/** Slack's limits (docs.slack.dev/reference/block-kit/blocks): past them Slack refuses the message. */
export const SLACK_LIMITS = { blocks: 50, headerText: 150, sectionText: 3000, fields: 10, fieldText: 2000, buttonText: 75, url: 3000, contextElements: 10 } as const;

export interface SlackText {
  type: 'plain_text' | 'mrkdwn';
  text: string;
  emoji?: boolean;
}

export type SlackBlock =
  | { type: 'header'; text: SlackText }
  | { type: 'section'; text?: SlackText; fields?: SlackText[] }
  | { type: 'context'; elements: SlackText[] }
  | { type: 'actions'; elements: { type: 'button'; text: SlackText; url: string }[] };

/** A Block Kit message; `text` is the fallback that notifications and old clients show. */
export interface SlackBlocksPayload {
  channel: string;
  username: string;
  icon_emoji: string;
  text: string;
  blocks: SlackBlock[];
}

const EMOJI = { error: ':red_circle:', warn: ':warning:', info: ':large_green_circle:' } as const;

/** mrkdwn treats &, < and > as markup: a message quoting a PromQL comparison must not become a link. */
export const escapeMrkdwn = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const mrkdwn = (text: string, limit: number = SLACK_LIMITS.sectionText): SlackText => ({ type: 'mrkdwn', text: clip(text, limit) });
const fact = (name: string, value: string): SlackText => mrkdwn(`*${escapeMrkdwn(name)}*\n${escapeMrkdwn(value)}`, SLACK_LIMITS.fieldText);

/**
 * Pennant's Slack message: a header naming the Canary (marked by severity), the message, the facts
 * (canary, namespace, phase, weight, then the alert's fields), the failing checks with value and
 * threshold, the images, and a button when a link is configured.
 */
export function slackBlocksPayload(message: AlertMessage, destination: Destination): SlackBlocksPayload {
  const subject = `${message.name}.${message.namespace}`;
  const header: SlackBlock = { type: 'header', text: { type: 'plain_text', text: clip(`${EMOJI[message.severity]} ${subject}`, SLACK_LIMITS.headerText), emoji: true } };
  const blocks: SlackBlock[] = [
    header,
    { type: 'section', text: mrkdwn(escapeMrkdwn(message.message)) },
    ...factSections(factsOf(message)),
    ...detailBlocks(message.details),
  ];
  return {
    channel: destination.channel,
    username: destination.username,
    icon_emoji: ':rocket:',
    text: clip(`${subject}: ${message.message}`, SLACK_LIMITS.sectionText),
    blocks: blocks.slice(0, SLACK_LIMITS.blocks),
  };
}

/** Ten fields a section at most: the facts take as many sections as they need. */
function factSections(facts: [string, string][]): SlackBlock[] {
  const sections: SlackBlock[] = [];
  for (let at = 0; at < facts.length; at += SLACK_LIMITS.fields) {
    sections.push({ type: 'section', fields: facts.slice(at, at + SLACK_LIMITS.fields).map(([name, value]) => fact(name, value)) });
  }
  return sections;
}

function detailBlocks(details: AlertDetails): SlackBlock[] {
  const blocks: SlackBlock[] = [];
  if (details.failingChecks.length > 0) {
    const lines = details.failingChecks.map((check) => `• *${escapeMrkdwn(check.name)}*: ${escapeMrkdwn(describeCheck(check))}`);
    blocks.push({ type: 'section', text: mrkdwn(`*Failing checks*\n${lines.join('\n')}`) });
  }
  if (details.images.length > 0) {
    const images = details.images.map((image) => `\`${escapeMrkdwn(image)}\``).join(', ');
    blocks.push({ type: 'context', elements: [mrkdwn(`${details.images.length === 1 ? 'Image' : 'Images'}: ${images}`)] });
  }
  if (details.link && details.link.length <= SLACK_LIMITS.url) {
    blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open', emoji: false }, url: details.link }] });
  }
  return blocks;
}

export const slack: ProviderFormat = { payload: (message, destination) => slackBlocksPayload(message, destination) };
