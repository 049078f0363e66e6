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

const teamsBody = (themeColor: string) => ({
  '@type': 'MessageCard',
  '@context': 'http://schema.org/extensions',
  themeColor,
  summary: 'podinfo.test',
  sections: [
    {
      activityTitle: MESSAGE,
      activitySubtitle: 'podinfo.test',
      facts: [
        { name: 'Target', value: 'Deployment/podinfo.test' },
        { name: 'Failed checks threshold', value: '5' },
      ],
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

describe('payloads: every provider type, as Flagger sends them (generic is Pennant\'s)', () => {
  it.each<[ProviderType, 'info' | 'warn' | 'error', string, unknown]>([
    ['slack', 'info', SECRET_PATH, slackBody('good')],
    ['slack', 'warn', SECRET_PATH, slackBody('good')],
    ['slack', 'error', SECRET_PATH, slackBody('danger')],
    ['discord', 'info', `${SECRET_PATH}/slack`, slackBody('good')],
    ['discord', 'error', `${SECRET_PATH}/slack`, slackBody('danger')],
    ['rocket', 'info', SECRET_PATH, slackBody('#0076D7')],
    ['rocket', 'error', SECRET_PATH, slackBody('#FF0000')],
    ['msteams', 'warn', SECRET_PATH, teamsBody('0076D7')],
    ['msteams', 'error', SECRET_PATH, teamsBody('FF0000')],
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

  it('slack: no fields is an empty list', async () => {
    receiver = await startReceiver(200);
    await createNotifier('slack', destination(receiver.url)).post({ ...notification(), fields: {} });
    expect(receiver.requests[0]?.json).toMatchObject({ attachments: [{ fields: [] }] });
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
