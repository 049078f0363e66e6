import { z } from 'zod';

/**
 * The Adaptive Card 1.4 elements Pennant sends, as documented at adaptivecards.io/explorer (AdaptiveCard,
 * TextBlock, FactSet, Fact, Action.OpenUrl; the enums of weight, size and color), wrapped as Teams'
 * incoming webhooks and Workflows take a card (learn.microsoft.com/microsoftteams/platform/
 * webhooks-and-connectors/how-to/connectors-using: "Send Adaptive Cards using an incoming webhook").
 * Written from the docs, not from Pennant's types; unknown keys are refused.
 */
const textBlock = z.strictObject({
  type: z.literal('TextBlock'),
  text: z.string().min(1),
  wrap: z.boolean().optional(),
  weight: z.enum(['Default', 'Lighter', 'Bolder']).optional(),
  size: z.enum(['Default', 'Small', 'Medium', 'Large', 'ExtraLarge']).optional(),
  color: z.enum(['Default', 'Dark', 'Light', 'Accent', 'Good', 'Warning', 'Attention']).optional(),
  isSubtle: z.boolean().optional(),
  spacing: z.enum(['None', 'Small', 'Default', 'Medium', 'Large', 'ExtraLarge', 'Padding']).optional(),
  separator: z.boolean().optional(),
});
const factSet = z.strictObject({
  type: z.literal('FactSet'),
  facts: z.array(z.strictObject({ title: z.string(), value: z.string() })).min(1),
});
const openUrl = z.strictObject({ type: z.literal('Action.OpenUrl'), url: z.url(), title: z.string().optional() });

export const adaptiveCard = z.strictObject({
  $schema: z.literal('http://adaptivecards.io/schemas/adaptive-card.json').optional(),
  type: z.literal('AdaptiveCard'),
  version: z.enum(['1.0', '1.1', '1.2', '1.3', '1.4']),
  body: z.array(z.union([textBlock, factSet])).min(1),
  actions: z.array(openUrl).min(1).optional(),
});

export const teamsCardMessage = z.strictObject({
  type: z.literal('message'),
  attachments: z.array(z.strictObject({
    contentType: z.literal('application/vnd.microsoft.card.adaptive'),
    contentUrl: z.null().optional(),
    content: adaptiveCard,
  })).length(1),
});
