import { z } from 'zod';

/**
 * The Block Kit blocks Pennant sends, as Slack documents them (docs.slack.dev/reference/block-kit/blocks:
 * header, section, context and actions blocks; docs.slack.dev/reference/block-kit/composition-objects/
 * text-object; docs.slack.dev/reference/block-kit/block-elements/button-element; "blocks: up to 50
 * blocks per message" in chat.postMessage's reference). Written from the docs, not from Pennant's
 * types, so a payload that Slack would refuse fails here. Unknown keys are refused: Slack ignores few.
 */
const text = (max: number) => z.strictObject({ type: z.enum(['plain_text', 'mrkdwn']), text: z.string().min(1).max(max), emoji: z.boolean().optional(), verbatim: z.boolean().optional() })
  .refine((t) => t.type === 'plain_text' || t.emoji === undefined, 'emoji is only for plain_text');
const plainText = (max: number) => z.strictObject({ type: z.literal('plain_text'), text: z.string().min(1).max(max), emoji: z.boolean().optional() });
const blockId = z.string().max(255).optional();

const header = z.strictObject({ type: z.literal('header'), text: plainText(150), block_id: blockId });
const section = z.strictObject({
  type: z.literal('section'),
  text: text(3000).optional(),
  fields: z.array(text(2000)).min(1).max(10).optional(),
  block_id: blockId,
}).refine((s) => s.text !== undefined || s.fields !== undefined, 'a section needs text or fields');
const context = z.strictObject({ type: z.literal('context'), elements: z.array(text(3000)).min(1).max(10), block_id: blockId });
const button = z.strictObject({
  type: z.literal('button'),
  text: plainText(75),
  url: z.url().max(3000).optional(),
  action_id: z.string().max(255).optional(),
  value: z.string().max(2000).optional(),
  style: z.enum(['primary', 'danger']).optional(),
});
const actions = z.strictObject({ type: z.literal('actions'), elements: z.array(button).min(1).max(25), block_id: blockId });

export const slackBlock = z.union([header, section, context, actions]);

/** An incoming-webhook message with blocks: `text` is then the fallback for notifications. */
export const slackBlockMessage = z.strictObject({
  text: z.string().min(1).max(40_000),
  blocks: z.array(slackBlock).min(1).max(50),
  channel: z.string().optional(),
  username: z.string().optional(),
  icon_emoji: z.string().regex(/^:[a-z0-9_+-]+:$/).optional(),
  icon_url: z.url().optional(),
});
