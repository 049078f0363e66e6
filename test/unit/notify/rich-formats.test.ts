import { afterEach, describe, expect, it } from 'vitest';
import type { Canary, CheckStatus } from '../../../src/api/index.js';
import { type AlertMessage, alertMessage, createNotifier, msteamsPayload, type Notification, slackBlocksPayload } from '../../../src/notify/index.js';
import { canaryWith, destination, notification } from './fixtures.js';
import { type Receiver, startReceiver } from './receiver.js';
import { teamsCardMessage } from './schemas/adaptive-card.js';
import { slackBlockMessage } from './schemas/block-kit.js';

const AT = new Date('2025-01-02T03:04:05.000Z');
const LINK = 'https://grafana.example.com/d/canary?var-namespace={namespace}&var-canary={name}';
const EXPANDED = 'https://grafana.example.com/d/canary?var-namespace=test&var-canary=podinfo';

const check = (name: string, extra: Partial<CheckStatus>): CheckStatus => ({ name, kind: 'metric', verdict: 'fail', time: AT.toISOString(), ...extra });

function rolledBack(): Canary {
  return {
    ...canaryWith(),
    status: {
      phase: 'Failed',
      canaryWeight: 0,
      failedChecks: 2,
      checks: [
        check('request-success-rate', { value: 71.23456789, min: 99 }),
        check('request-duration', { value: null, max: 500, verdict: 'noData' }),
        check('load-test', { kind: 'webhook', message: 'connection refused' }),
        check('cpu', { value: 0.2, max: 0.8, verdict: 'pass' }),
      ],
    },
  };
}

const rollbackNotification = (): Notification => ({
  canary: rolledBack(),
  severity: 'error',
  message: 'Canary analysis failed, rolled back podinfo.test: failed checks threshold reached 2',
  fields: { 'Failed checks': '2', 'request-success-rate': 'request-success-rate 71.2 < 99', 'load-test': 'connection refused' },
  images: ['ghcr.io/stefanprodan/podinfo:6.0.2', 'busybox:1.36', 'busybox:1.36'],
});

const progressing = (weight: number): Notification => ({ ...notification('info', { ...canaryWith(), status: { phase: 'Progressing', canaryWeight: weight } }) });

/** Every kind of alert the engine sends, with and without the details the rich formats show. */
const CASES: [string, Notification, string | undefined][] = [
  ['initialization (no status yet)', notification('info'), undefined],
  ['a weight step', progressing(30), undefined],
  ['a gate waiting (warn)', notification('warn'), LINK],
  ['a rollback with failing checks and images', rollbackNotification(), LINK],
  ['an overlong message and many fields', {
    ...notification('error'),
    message: 'x'.repeat(5000),
    fields: Object.fromEntries(Array.from({ length: 23 }, (_, i) => [`field ${i}`, 'y'.repeat(2500)])),
  }, undefined],
];

const slackOf = (n: Notification, link?: string) => slackBlocksPayload(alertMessage(n, AT, link), destination('https://hooks.slack.com/x'));
const teamsOf = (n: Notification, link?: string) => msteamsPayload(alertMessage(n, AT, link));
const blockTexts = (payload: ReturnType<typeof slackOf>): string[] =>
  payload.blocks.flatMap((b) => (b.type === 'section' ? [b.text?.text ?? '', ...(b.fields ?? []).map((f) => f.text)] : b.type === 'context' ? b.elements.map((e) => e.text) : b.type === 'header' ? [b.text.text] : []));

describe('Slack Block Kit: every payload is valid against the documented block schemas', () => {
  it.each(CASES)('%s', (_, n, link) => {
    const parsed = slackBlockMessage.safeParse(slackOf(n, link));
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it('the schemas refuse what Slack refuses (11 fields in a section, a 151-character header)', () => {
    const valid = slackOf(notification());
    const fields = Array.from({ length: 11 }, () => ({ type: 'mrkdwn' as const, text: 'a' }));
    expect(slackBlockMessage.safeParse({ ...valid, blocks: [{ type: 'section', fields }] }).success).toBe(false);
    expect(slackBlockMessage.safeParse({ ...valid, blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] }).success).toBe(false);
  });
});

describe('Slack Block Kit: what the message says', () => {
  it('a rollback: header marked red, fallback text, facts with phase and weight, failing checks with value and threshold, images once, a button', () => {
    const payload = slackOf(rollbackNotification(), LINK);
    expect(payload).toMatchObject({ channel: 'general', username: 'pennant', icon_emoji: ':rocket:' });
    expect(payload.text).toBe('podinfo.test: Canary analysis failed, rolled back podinfo.test: failed checks threshold reached 2');
    expect(payload.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: ':red_circle: podinfo.test', emoji: true } });
    expect(payload.blocks[1]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: 'Canary analysis failed, rolled back podinfo.test: failed checks threshold reached 2' } });
    expect(payload.blocks[2]).toEqual({ type: 'section', fields: [
      { type: 'mrkdwn', text: '*Canary*\npodinfo' }, { type: 'mrkdwn', text: '*Namespace*\ntest' },
      { type: 'mrkdwn', text: '*Phase*\nFailed' }, { type: 'mrkdwn', text: '*Weight*\n0%' },
      { type: 'mrkdwn', text: '*Failed checks*\n2' },
    ] });
    expect(payload.blocks[3]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: [
      '*Failing checks*',
      '• *request-success-rate*: 71.2346 (min 99)',
      '• *request-duration*: no data (max 500)',
      '• *load-test*: fail: connection refused',
    ].join('\n') } });
    expect(payload.blocks[4]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Images: `ghcr.io/stefanprodan/podinfo:6.0.2`, `busybox:1.36`' }] });
    expect(payload.blocks[5]).toEqual({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open', emoji: false }, url: EXPANDED }] });
    expect(payload.blocks).toHaveLength(6);
  });

  it('no link configured, no button; no images known, no context block; a weight step shows its weight', () => {
    const payload = slackOf(progressing(30));
    expect(payload.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section']);
    expect(blockTexts(payload)).toContain('*Weight*\n30%');
    expect(payload.blocks[0]).toMatchObject({ text: { text: ':large_green_circle: podinfo.test' } });
  });

  it('&, < and > are escaped in mrkdwn, so a PromQL comparison does not become markup', () => {
    const payload = slackOf({ ...notification('warn'), message: 'latency <500 & rising', fields: { 'a<b': 'c>d' } });
    expect(blockTexts(payload)).toEqual(expect.arrayContaining(['latency &lt;500 &amp; rising', '*a&lt;b*\nc&gt;d']));
    expect(payload.text).toBe('podinfo.test: latency <500 & rising');
  });

  it('an overlong message is cut to the limit with a mark; 23 fields take three sections', () => {
    const [, n] = CASES[4] as [string, Notification, undefined];
    const payload = slackOf(n);
    const message = payload.blocks[1];
    expect(message?.type === 'section' && message.text?.text.length).toBe(3000);
    expect(message?.type === 'section' && message.text?.text.endsWith('…')).toBe(true);
    const sections = payload.blocks.filter((b) => b.type === 'section' && b.fields);
    expect(sections.map((b) => (b.type === 'section' ? b.fields?.length : 0))).toEqual([10, 10, 5]);
  });

  it('the link template fills in the namespace and name, URL-encoded', () => {
    const canary = { ...canaryWith(undefined, 'team a'), metadata: { name: 'pod/info', namespace: 'team a' } };
    const message: AlertMessage = alertMessage({ ...notification(), canary }, AT, 'https://g.example.com/{namespace}/{name}?x={name}');
    expect(message.details.link).toBe('https://g.example.com/team%20a/pod%2Finfo?x=pod%2Finfo');
  });
});

describe('Teams Adaptive Cards: every payload is valid against the documented card schema', () => {
  it.each(CASES)('%s', (_, n, link) => {
    const parsed = teamsCardMessage.safeParse(teamsOf(n, link));
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it('the schema refuses what Teams refuses (a legacy MessageCard, a card of version 1.6)', () => {
    expect(teamsCardMessage.safeParse({ '@type': 'MessageCard', summary: 'x' }).success).toBe(false);
    const card = teamsOf(notification());
    const bumped = { ...card, attachments: card.attachments.map((a) => ({ ...a, content: { ...a.content, version: '1.6' } })) };
    expect(teamsCardMessage.safeParse(bumped).success).toBe(false);
  });

  it('a rollback: title in the attention colour, facts, failing checks with value and threshold, images, an Open action', () => {
    const payload = teamsOf(rollbackNotification(), LINK);
    const [attachment] = payload.attachments;
    expect(attachment).toMatchObject({ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null });
    expect(attachment?.content.body).toEqual([
      { type: 'TextBlock', text: 'podinfo.test', wrap: true, weight: 'Bolder', size: 'Medium', color: 'Attention' },
      { type: 'TextBlock', text: 'Canary analysis failed, rolled back podinfo.test: failed checks threshold reached 2', wrap: true },
      { type: 'FactSet', facts: [
        { title: 'Canary', value: 'podinfo' }, { title: 'Namespace', value: 'test' }, { title: 'Phase', value: 'Failed' },
        { title: 'Weight', value: '0%' }, { title: 'Failed checks', value: '2' },
      ] },
      { type: 'TextBlock', text: 'Failing checks', wrap: true, weight: 'Bolder' },
      { type: 'FactSet', facts: [
        { title: 'request-success-rate', value: '71.2346 (min 99)' },
        { title: 'request-duration', value: 'no data (max 500)' },
        { title: 'load-test', value: 'fail: connection refused' },
      ] },
      { type: 'TextBlock', text: 'Images: ghcr.io/stefanprodan/podinfo:6.0.2, busybox:1.36', wrap: true, isSubtle: true },
    ]);
    expect(attachment?.content.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open', url: EXPANDED }]);
  });

  it('an info alert is green and has no action without a link', () => {
    const content = teamsOf(notification('info')).attachments[0]?.content;
    expect(content?.body[0]).toMatchObject({ color: 'Good' });
    expect(content?.actions).toBeUndefined();
  });
});

describe('rich formats on the wire', () => {
  let receiver: Receiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  it.each([
    ['slack', slackBlockMessage],
    ['msteams', teamsCardMessage],
  ] as const)('%s: the destination\'s link becomes the button', async (type, schema) => {
    receiver = await startReceiver(200);
    await createNotifier(type, destination(receiver.url, { link: LINK }), { now: () => AT }).post(rollbackNotification());
    const body = receiver.requests[0]?.json;
    expect(schema.safeParse(body).success).toBe(true);
    expect(JSON.stringify(body)).toContain(EXPANDED);
  });
});
