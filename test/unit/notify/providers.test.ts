import { afterEach, describe, expect, it } from 'vitest';
import { createNotifier, discordUrl, FORMATS, NotifyError, type ProviderType } from '../../../src/notify/index.js';
import { destination, FIELDS, notification } from './fixtures.js';
import { type Receiver, startReceiver } from './receiver.js';

const MESSAGE = 'New revision detected, progressing canary analysis.';
const SECRET_PATH = '/services/T000/B000/XXXXSECRET';

const slackBody = (color: string) => ({
  channel: 'general',
  username: 'pennant',
  icon_url: '',
  icon_emoji: ':rocket:',
  attachments: [
    {
      color,
      author_name: 'podinfo.test',
      text: MESSAGE,
      mrkdwn_in: ['text'],
      fields: [
        { title: 'Target', value: 'Deployment/podinfo.test', short: false },
        { title: 'Failed checks threshold', value: '5', short: false },
      ],
    },
  ],
});

const fact = (name: string, value: string) => ({ type: 'mrkdwn', text: `*${name}*\n${value}` });

const slackBlocksBody = (mark: string) => ({
  channel: 'general',
  username: 'pennant',
  icon_emoji: ':rocket:',
  text: `podinfo.test: ${MESSAGE}`,
  blocks: [
    { type: 'header', text: { type: 'plain_text', text: `${mark} podinfo.test`, emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: MESSAGE } },
    { type: 'section', fields: [fact('Canary', 'podinfo'), fact('Namespace', 'test'), fact('Target', 'Deployment/podinfo.test'), fact('Failed checks threshold', '5')] },
  ],
});

const teamsBody = (color: string) => ({
  type: 'message',
  attachments: [
    {
      contentType: 'application/vnd.microsoft.card.adaptive',
      contentUrl: null,
      content: {
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        type: 'AdaptiveCard',
        version: '1.4',
        body: [
          { type: 'TextBlock', text: 'podinfo.test', wrap: true, weight: 'Bolder', size: 'Medium', color },
          { type: 'TextBlock', text: MESSAGE, wrap: true },
          { type: 'FactSet', facts: [
            { title: 'Canary', value: 'podinfo' }, { title: 'Namespace', value: 'test' },
            { title: 'Target', value: 'Deployment/podinfo.test' }, { title: 'Failed checks threshold', value: '5' },
          ] },
        ],
      },
    },
  ],
});

const gchatBody = {
  cards: [
    {
      header: { title: 'Pennant', subtitle: 'podinfo.test', imageUrl: '' },
      sections: [
        { widgets: [{ textParagraph: { text: `<font color=#848484><strong>${MESSAGE}</strong></font>` } }] },
        { widgets: [{ textParagraph: { text: 'Target<br><font color=#848484><strong>Deployment/podinfo.test</strong></font>' } }] },
        { widgets: [{ textParagraph: { text: 'Failed checks threshold<br><font color=#848484><strong>5</strong></font>' } }] },
      ],
    },
  ],
};

const genericBody = (severity: string) => ({
  canary: 'podinfo', namespace: 'test', severity, message: MESSAGE, fields: FIELDS, timestamp: '2025-01-02T03:04:05.000Z',
});

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

const now = () => new Date('2025-01-02T03:04:05.000Z');

describe('payloads: every provider type (Flagger\'s, but Block Kit for Slack, Adaptive Cards for Teams and generic of Pennant\'s own)', () => {
  it.each<[ProviderType, 'info' | 'warn' | 'error', string, unknown]>([
    ['slack', 'info', SECRET_PATH, slackBlocksBody(':large_green_circle:')],
    ['slack', 'warn', SECRET_PATH, slackBlocksBody(':warning:')],
    ['slack', 'error', SECRET_PATH, slackBlocksBody(':red_circle:')],
    ['discord', 'info', `${SECRET_PATH}/slack`, slackBody('good')],
    ['discord', 'error', `${SECRET_PATH}/slack`, slackBody('danger')],
    ['rocket', 'info', SECRET_PATH, slackBody('#0076D7')],
    ['rocket', 'error', SECRET_PATH, slackBody('#FF0000')],
    ['msteams', 'info', SECRET_PATH, teamsBody('Good')],
    ['msteams', 'warn', SECRET_PATH, teamsBody('Warning')],
    ['msteams', 'error', SECRET_PATH, teamsBody('Attention')],
    ['gchat', 'info', SECRET_PATH, gchatBody],
    ['gchat', 'error', SECRET_PATH, gchatBody],
    ['generic', 'info', SECRET_PATH, genericBody('info')],
    ['generic', 'error', SECRET_PATH, genericBody('error')],
  ])('%s %s → POST %s', async (type, severity, path, body) => {
    receiver = await startReceiver(200);
    await createNotifier(type, destination(`${receiver.url}${SECRET_PATH}`), { now }).post(notification(severity));
    const [req] = receiver.requests;
    expect(req).toMatchObject({ method: 'POST', path });
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.json).toEqual(body);
  });

  it('slack: the channel and username of the AlertProvider', async () => {
    receiver = await startReceiver(200);
    await createNotifier('slack', destination(receiver.url, { channel: 'on-call', username: 'canary-bot' })).post(notification());
    expect(receiver.requests[0]?.json).toMatchObject({ channel: 'on-call', username: 'canary-bot' });
  });

  it('discord and rocket: no fields is an empty list', async () => {
    receiver = await startReceiver(200);
    await createNotifier('discord', destination(receiver.url)).post({ ...notification(), fields: {} });
    await createNotifier('rocket', destination(receiver.url)).post({ ...notification(), fields: {} });
    expect(receiver.requests.map((r) => r.json)).toMatchObject([{ attachments: [{ fields: [] }] }, { attachments: [{ fields: [] }] }]);
  });

  it('slack: no fields leaves the canary and namespace facts', async () => {
    receiver = await startReceiver(200);
    await createNotifier('slack', destination(receiver.url)).post({ ...notification(), fields: {} });
    expect(receiver.requests[0]?.json).toMatchObject({ blocks: [{ type: 'header' }, { type: 'section' }, { type: 'section', fields: [fact('Canary', 'podinfo'), fact('Namespace', 'test')] }] });
  });

  it.each([
    ['https://discord.com/api/webhooks/1/abc', 'https://discord.com/api/webhooks/1/abc/slack'],
    ['https://discord.com/api/webhooks/1/abc/', 'https://discord.com/api/webhooks/1/abc/slack'],
    ['https://discord.com/api/webhooks/1/abc/slack', 'https://discord.com/api/webhooks/1/abc/slack'],
    ['https://discord.com/api/webhooks/1/abc?wait=true', 'https://discord.com/api/webhooks/1/abc/slack?wait=true'],
  ])('discord: %s is posted at %s', (address, expected) => {
    expect(discordUrl(address)).toBe(expected);
  });
});

describe('contract: every provider type', () => {
  const types = Object.keys(FORMATS) as ProviderType[];

  it.each(types)('%s: resolves on 2xx', async (type) => {
    receiver = await startReceiver({ status: 204 });
    await expect(createNotifier(type, destination(receiver.url)).post(notification())).resolves.toBeUndefined();
  });

  it.each(types)('%s: a 4xx is a NotifyError with the status, the label and not the URL', async (type) => {
    receiver = await startReceiver({ status: 404, body: 'no_service' });
    const address = `${receiver.url}${SECRET_PATH}`;
    const err = await createNotifier(type, destination(address, { label: `${type} AlertProvider test/on-call` })).post(notification()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotifyError);
    expect(err).toMatchObject({ code: 'Http', status: 404, message: `${type} AlertProvider test/on-call: HTTP 404: no_service` });
    expect((err as Error).message).not.toContain(receiver.url);
    expect((err as Error).message).not.toContain('SECRET');
    expect(receiver.requests).toHaveLength(1);
  });

  it.each(types)('%s: a token is sent as a Bearer header; none, no header', async (type) => {
    receiver = await startReceiver(200);
    await createNotifier(type, destination(receiver.url, { token: 'xoxb-123' })).post(notification());
    await createNotifier(type, destination(receiver.url)).post(notification());
    expect(receiver.requests[0]?.headers.authorization).toBe('Bearer xoxb-123');
    expect(receiver.requests[1]?.headers.authorization).toBeUndefined();
  });
});
