import { type AlertDetails, describeCheck } from './alert-details.js';
import { factsOf } from './rich-text.js';
import type { AlertMessage, ProviderFormat } from './types.js';

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

type TextColor = 'Default' | 'Good' | 'Warning' | 'Attention';

export type CardElement =
  | { type: 'TextBlock'; text: string; wrap: true; weight?: 'Bolder'; size?: 'Medium'; color?: TextColor; isSubtle?: boolean }
  | { type: 'FactSet'; facts: { title: string; value: string }[] };

export interface AdaptiveCard {
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  type: 'AdaptiveCard';
  version: '1.4';
  body: CardElement[];
  actions?: { type: 'Action.OpenUrl'; title: string; url: string }[];
}

/**
 * A Teams message carrying one Adaptive Card (1.4), as Teams' incoming webhooks and Workflows take it
 * (learn.microsoft.com: "Send Adaptive Cards using an incoming webhook"). Flagger sends a legacy
 * MessageCard, which the Workflows that replace Office 365 connectors do not render.
 */
export interface MSTeamsPayload {
  type: 'message';
  attachments: { contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE; contentUrl: null; content: AdaptiveCard }[];
}

const COLOR: Record<AlertMessage['severity'], TextColor> = { error: 'Attention', warn: 'Warning', info: 'Good' };

export function msteamsPayload(message: AlertMessage): MSTeamsPayload {
  const { details } = message;
  const card: AdaptiveCard = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body: [
      { type: 'TextBlock', text: `${message.name}.${message.namespace}`, wrap: true, weight: 'Bolder', size: 'Medium', color: COLOR[message.severity] },
      { type: 'TextBlock', text: message.message, wrap: true },
      { type: 'FactSet', facts: factsOf(message).map(([title, value]) => ({ title, value })) },
      ...detailElements(details),
    ],
    ...(details.link ? { actions: [{ type: 'Action.OpenUrl' as const, title: 'Open', url: details.link }] } : {}),
  };
  return { type: 'message', attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, contentUrl: null, content: card }] };
}

function detailElements(details: AlertDetails): CardElement[] {
  const elements: CardElement[] = [];
  if (details.failingChecks.length > 0) {
    elements.push({ type: 'TextBlock', text: 'Failing checks', wrap: true, weight: 'Bolder' });
    elements.push({ type: 'FactSet', facts: details.failingChecks.map((check) => ({ title: check.name, value: describeCheck(check) })) });
  }
  if (details.images.length > 0) {
    elements.push({ type: 'TextBlock', text: `${details.images.length === 1 ? 'Image' : 'Images'}: ${details.images.join(', ')}`, wrap: true, isSubtle: true });
  }
  return elements;
}

export const msteams: ProviderFormat = { payload: (message) => msteamsPayload(message) };
