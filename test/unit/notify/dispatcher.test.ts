import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { Canary } from '../../../src/api/index.js';
import {
  AlertDispatcher, type AlertDispatcherDeps, type AlertEvent, alertDeliveries, alertDeliveryRetries, type CanaryAlert, type Destination, globalNotifierFrom,
  type Notification, type ProviderType,
} from '../../../src/notify/index.js';
import type { KubeObject } from '../../../src/kube/types.js';
import type { ObjectReader } from '../../../src/workloads/types.js';
import { alertProviderObject, canaryWith, capturedLogger, notification, readerOf, secretObject } from './fixtures.js';
import { startReceiver } from './receiver.js';

const HOOK = 'https://hooks.slack.com/services/T000/B000/XXXXSECRET';

interface Sent {
  type: ProviderType;
  destination: Destination;
  notification: Notification;
}

/** A dispatcher whose deliveries are recorded (or fail with `fail`) instead of sent. */
function setup(reader: ObjectReader, extra: Partial<AlertDispatcherDeps> = {}, fail?: (d: Destination) => Error | undefined) {
  const log = capturedLogger();
  const sent: Sent[] = [];
  const events: { canary: Canary; event: AlertEvent }[] = [];
  const registry = new Registry();
  const dispatcher = new AlertDispatcher({
    reader,
    logger: log.logger,
    deliveries: alertDeliveries(registry),
    recordEvent: async (canary, event) => {
      events.push({ canary, event });
    },
    notifierFor: (type, destination) => ({
      post: async (n) => {
        const err = fail?.(destination);
        if (err) throw err;
        sent.push({ type, destination, notification: n });
      },
    }),
    ...extra,
  });
  const count = async (type: string, result: string): Promise<number> => {
    const metric = await registry.getSingleMetric('pennant_alert_deliveries_total')?.get();
    return metric?.values.find((v) => v.labels.type === type && v.labels.result === result)?.value ?? 0;
  };
  return { dispatcher, sent, events, log, count };
}

const alert = (name: string, severity?: CanaryAlert['severity'], providerRef: CanaryAlert['providerRef'] = { name }): CanaryAlert => ({
  name, providerRef, ...(severity === undefined ? {} : { severity }),
});

const slackProvider = (name: string, spec: Record<string, unknown> = {}) => alertProviderObject(name, { type: 'slack', address: HOOK, ...spec });

describe('AlertDispatcher: routing', () => {
  it.each<['info' | 'warn' | 'error', string[]]>([
    ['info', ['all', 'default', 'empty']],
    ['warn', ['all', 'warn', 'default', 'empty']],
    ['error', ['all', 'warn', 'error', 'default', 'empty']],
  ])('a %s alert goes to %j', async (severity, expected) => {
    const alerts = [alert('all', 'info'), alert('warn', 'warn'), alert('error', 'error'), alert('default'), alert('empty', '')];
    const reader = readerOf(...alerts.map((a) => slackProvider(a.name)));
    const { dispatcher, sent } = setup(reader);
    await dispatcher.post(notification(severity, canaryWith(alerts)));
    expect(sent.map((s) => s.destination.label).sort()).toEqual(expected.map((name) => `slack AlertProvider test/${name}`).sort());
  });

  it('posts the notification with the defaults of the AlertProvider', async () => {
    const { dispatcher, sent } = setup(readerOf(alertProviderObject('on-call', { type: 'msteams', address: HOOK })));
    const n = notification('info', canaryWith([alert('on-call')]));
    await dispatcher.post(n);
    expect(sent).toEqual([{ type: 'msteams', notification: n, destination: { label: 'msteams AlertProvider test/on-call', address: HOOK, channel: 'general', username: 'pennant' } }]);
  });

  it('channel, username and proxy from the AlertProvider', async () => {
    const { dispatcher, sent } = setup(readerOf(slackProvider('on-call', { channel: 'deploys', username: 'canary', proxy: 'http://proxy.corp:3128' })));
    await dispatcher.post(notification('info', canaryWith([alert('on-call')])));
    expect(sent[0]?.destination).toMatchObject({ channel: 'deploys', username: 'canary', proxy: 'http://proxy.corp:3128' });
  });

  it('providerRef.namespace, and the Secret from the provider\'s namespace', async () => {
    const reader = readerOf(alertProviderObject('shared', { type: 'slack', secretRef: { name: 'hook' } }, 'monitoring'), secretObject('hook', { address: HOOK }, 'monitoring'));
    const { dispatcher, sent } = setup(reader);
    await dispatcher.post(notification('info', canaryWith([alert('shared', 'info', { name: 'shared', namespace: 'monitoring' })])));
    expect(sent[0]?.destination).toMatchObject({ label: 'slack AlertProvider monitoring/shared', address: HOOK });
  });

  it('cross-namespace refs can be disabled', async () => {
    const reader = readerOf(slackProvider('shared'));
    const { dispatcher, sent, events } = setup(reader, { allowCrossNamespaceRefs: false });
    await dispatcher.post(notification('info', canaryWith([alert('shared', 'info', { name: 'shared', namespace: 'test' })], 'apps')));
    expect(sent).toEqual([]);
    expect(events[0]?.event.message).toBe('alert "shared" not delivered: AlertProvider test/shared: cross-namespace references are disabled (--deny-cross-namespace-refs); create the AlertProvider in apps');
  });

  it('--cluster-name adds a Cluster field, first', async () => {
    const { dispatcher, sent } = setup(readerOf(slackProvider('on-call')), { clusterName: 'prod-eu' });
    await dispatcher.post(notification('info', canaryWith([alert('on-call')])));
    expect(Object.entries(sent[0]?.notification.fields ?? {})[0]).toEqual(['Cluster', 'prod-eu']);
    expect(Object.keys(sent[0]?.notification.fields ?? {})).toEqual(['Cluster', 'Target', 'Failed checks threshold']);
  });

  it('logs every alert (the LogNotifier line) whether or not it goes anywhere', async () => {
    const { dispatcher, log } = setup(readerOf());
    await dispatcher.post(notification('warn'));
    expect(log.records()).toEqual([expect.objectContaining({ level: 'info', alert: true, severity: 'warn', canary: 'test/podinfo', msg: 'New revision detected, progressing canary analysis.' })]);
  });

  it('different providers are posted to concurrently; the post resolves when all are done', async () => {
    let inFlight = 0;
    let most = 0;
    const reader = readerOf(slackProvider('a'), slackProvider('b'), slackProvider('c'));
    const dispatcher = new AlertDispatcher({
      reader,
      logger: capturedLogger().logger,
      notifierFor: () => ({
        post: async () => {
          inFlight++;
          most = Math.max(most, inFlight);
          await new Promise((resolve) => setImmediate(resolve));
          inFlight--;
        },
      }),
    });
    await dispatcher.post(notification('info', canaryWith([alert('a'), alert('b'), alert('c')])));
    expect(most).toBe(3);
    expect(inFlight).toBe(0);
  });
});

describe('AlertDispatcher: secrets', () => {
  it.each<[string, Record<string, unknown>, Record<string, string> | undefined, Partial<Destination>]>([
    ['the Secret\'s address wins over spec.address', { address: 'https://spec.example/hook', secretRef: { name: 'hook' } }, { address: HOOK }, { address: HOOK }],
    ['the Secret\'s token is the Bearer token', { secretRef: { name: 'hook' } }, { address: HOOK, token: 'xoxb-1' }, { address: HOOK, token: 'xoxb-1' }],
    ['a token-only Secret keeps spec.address', { address: HOOK, secretRef: { name: 'hook' } }, { token: 'xoxb-1' }, { address: HOOK, token: 'xoxb-1' }],
    ['values are trimmed (files end in a newline)', { secretRef: { name: 'hook' } }, { address: `${HOOK}\n`, token: 'xoxb-1\n' }, { address: HOOK, token: 'xoxb-1' }],
    ['spec.address alone', { address: HOOK }, undefined, { address: HOOK }],
  ])('%s', async (_, spec, data, expected) => {
    const reader = readerOf(alertProviderObject('on-call', { type: 'slack', ...spec }), ...(data ? [secretObject('hook', data)] : []));
    const { dispatcher, sent, events } = setup(reader);
    await dispatcher.post(notification('info', canaryWith([alert('on-call')])));
    expect(events).toEqual([]);
    expect(sent[0]?.destination).toMatchObject(expected);
    if (!('token' in expected)) expect(sent[0]?.destination.token).toBeUndefined();
  });

  it('end to end: the Secret\'s address and token reach a real receiver', async () => {
    const receiver = await startReceiver(200);
    try {
      const reader = readerOf(alertProviderObject('on-call', { type: 'discord', secretRef: { name: 'hook' } }), secretObject('hook', { address: `${receiver.url}/api/webhooks/1/abc`, token: 't0k3n' }));
      const dispatcher = new AlertDispatcher({ reader, logger: capturedLogger().logger, delivery: { retryDelayMs: 1 } });
      await dispatcher.post(notification('error', canaryWith([alert('on-call', 'error')])));
      expect(receiver.requests).toMatchObject([{ path: '/api/webhooks/1/abc/slack', headers: { authorization: 'Bearer t0k3n' }, json: { attachments: [{ color: 'danger' }] } }]);
    } finally {
      await receiver.close();
    }
  });
});

describe('AlertDispatcher: problems are logged, counted and recorded, never thrown', () => {
  it.each<[string, ReturnType<typeof readerOf>, string, string]>([
    ['a missing AlertProvider', readerOf(), 'unknown', 'alert "on-call" not delivered: AlertProvider test/on-call not found'],
    [
      'a missing Secret',
      readerOf(alertProviderObject('on-call', { type: 'slack', secretRef: { name: 'hook' } })),
      'slack',
      'alert "on-call" not delivered: slack AlertProvider test/on-call: Secret test/hook (spec.secretRef) not found',
    ],
    [
      'a Secret without address',
      readerOf(alertProviderObject('on-call', { type: 'slack', secretRef: { name: 'hook' } }), secretObject('hook', { url: HOOK })),
      'slack',
      'alert "on-call" not delivered: slack AlertProvider test/on-call: Secret test/hook has no "address" key and spec.address is empty',
    ],
    [
      'no address at all',
      readerOf(alertProviderObject('on-call', { type: 'gchat' })),
      'gchat',
      'alert "on-call" not delivered: gchat AlertProvider test/on-call: no address: set spec.secretRef (a Secret with an "address" key) or spec.address',
    ],
    [
      'an address that is not an http(s) URL',
      readerOf(alertProviderObject('on-call', { type: 'slack', address: 'hooks.slack.com/services/XXXXSECRET' })),
      'slack',
      'alert "on-call" not delivered: slack AlertProvider test/on-call: the address is not an http(s) URL',
    ],
    [
      'an unknown type',
      readerOf(alertProviderObject('on-call', { type: 'pagerduty', address: HOOK })),
      'unknown',
      'alert "on-call" not delivered: AlertProvider test/on-call: unknown type "pagerduty" (one of slack, msteams, discord, rocket, gchat, generic)',
    ],
    [
      'an invalid AlertProvider',
      readerOf(alertProviderObject('on-call', { type: 'slack', address: HOOK, channel: 7 })),
      'unknown',
      'alert "on-call" not delivered: AlertProvider test/on-call is invalid: spec.channel: Invalid input: expected string, received number',
    ],
  ])('%s', async (_, reader, type, message) => {
    const { dispatcher, sent, events, log, count } = setup(reader);
    await expect(dispatcher.post(notification('info', canaryWith([alert('on-call')])))).resolves.toBeUndefined();
    expect(sent).toEqual([]);
    expect(events).toEqual([{ canary: expect.anything(), event: { type: 'Warning', reason: 'AlertFailed', message } }]);
    expect(log.records()).toContainEqual(expect.objectContaining({ level: 'error', canary: 'test/podinfo', msg: message }));
    expect(log.lines.join('\n')).not.toContain('XXXXSECRET');
    expect(await count(type, 'failed')).toBe(1);
  });

  it('a failed delivery to one provider does not stop the others', async () => {
    const reader = readerOf(slackProvider('bad'), slackProvider('good'));
    const { dispatcher, sent, events, count } = setup(reader, {}, (d) => (d.label.endsWith('/bad') ? new Error(`${d.label}: HTTP 500`) : undefined));
    await dispatcher.post(notification('info', canaryWith([alert('bad'), alert('good')])));
    expect(sent.map((s) => s.destination.label)).toEqual(['slack AlertProvider test/good']);
    expect(events.map((e) => e.event.message)).toEqual(['alert "bad" not delivered: slack AlertProvider test/bad: HTTP 500']);
    expect(await count('slack', 'sent')).toBe(1);
    expect(await count('slack', 'failed')).toBe(1);
  });

  it('a real HTTP 500 (after the retries, each counted) becomes an AlertFailed event without the URL', async () => {
    const receiver = await startReceiver(500);
    try {
      const reader = readerOf(alertProviderObject('on-call', { type: 'slack', secretRef: { name: 'hook' } }), secretObject('hook', { address: `${receiver.url}/services/XXXXSECRET` }));
      const log = capturedLogger();
      const events: AlertEvent[] = [];
      const registry = new Registry();
      const dispatcher = new AlertDispatcher({
        reader, logger: log.logger, delivery: { retryDelayMs: 1 }, recordEvent: async (_c, e) => void events.push(e),
        deliveries: alertDeliveries(registry), retries: alertDeliveryRetries(registry),
      });
      await dispatcher.post(notification('info', canaryWith([alert('on-call')])));
      expect(receiver.requests).toHaveLength(4);
      expect(events).toEqual([{ type: 'Warning', reason: 'AlertFailed', message: 'alert "on-call" not delivered: slack AlertProvider test/on-call: HTTP 500: error (after 4 attempts)' }]);
      const retries = await registry.getSingleMetric('pennant_alert_delivery_retries_total')?.get();
      expect(retries?.values).toEqual([{ labels: { type: 'slack', reason: 'server-error' }, value: 3 }]);
      expect(log.lines.join('\n')).not.toContain(receiver.url);
      expect(log.lines.join('\n')).not.toContain('XXXXSECRET');
    } finally {
      await receiver.close();
    }
  });

  it('a failing event recorder is logged, not thrown', async () => {
    const { dispatcher, log } = setup(readerOf(), { recordEvent: () => Promise.reject(new Error('forbidden')) });
    await expect(dispatcher.post(notification('info', canaryWith([alert('on-call')])))).resolves.toBeUndefined();
    expect(log.records()).toContainEqual(expect.objectContaining({ level: 'warn', err: 'forbidden', msg: 'could not record the AlertFailed event' }));
  });

  it('a throwing reader is a failed delivery, not a failed reconcile', async () => {
    const reader: ObjectReader = { get: () => { throw new Error('no informer for AlertProvider'); } };
    const { dispatcher, events } = setup(reader);
    await expect(dispatcher.post(notification('info', canaryWith([alert('on-call')])))).resolves.toBeUndefined();
    expect(events[0]?.event.message).toBe('alert "on-call" not delivered: no informer for AlertProvider');
  });

  it('without an event recorder, failures are still logged and counted', async () => {
    const { dispatcher, log, count } = setup(readerOf(), { recordEvent: undefined });
    await dispatcher.post(notification('info', canaryWith([alert('on-call')])));
    expect(log.records()).toContainEqual(expect.objectContaining({ level: 'error', msg: 'alert "on-call" not delivered: AlertProvider test/on-call not found' }));
    expect(await count('unknown', 'failed')).toBe(1);
  });
});

describe('AlertDispatcher: the global notifier', () => {
  const global = globalNotifierFrom({ slackUrl: HOOK, slackChannel: 'deploys' });

  it.each(['info', 'warn', 'error'] as const)('a Canary without alerts: every severity (%s) goes to the global notifier', async (severity) => {
    const { dispatcher, sent, count } = setup(readerOf(), { global });
    await dispatcher.post(notification(severity));
    expect(sent).toEqual([{ type: 'slack', notification: notification(severity), destination: { label: 'slack global notifier (--slack-url)', address: HOOK, channel: 'deploys', username: 'pennant' } }]);
    expect(await count('slack', 'sent')).toBe(1);
  });

  it('an empty alerts list counts as none', async () => {
    const { dispatcher, sent } = setup(readerOf(), { global });
    await dispatcher.post(notification('info', canaryWith([])));
    expect(sent).toHaveLength(1);
  });

  it('a Canary with alerts does not use it', async () => {
    const { dispatcher, sent } = setup(readerOf(slackProvider('on-call')), { global });
    await dispatcher.post(notification('info', canaryWith([alert('on-call')])));
    expect(sent.map((s) => s.destination.label)).toEqual(['slack AlertProvider test/on-call']);
  });

  it('no global notifier: nothing is sent, only the log line', async () => {
    const { dispatcher, sent, events, log } = setup(readerOf());
    await dispatcher.post(notification('error'));
    expect(sent).toEqual([]);
    expect(events).toEqual([]);
    expect(log.records()).toHaveLength(1);
  });

  it('the Cluster field goes to the global notifier too', async () => {
    const { dispatcher, sent } = setup(readerOf(), { global, clusterName: 'prod-eu' });
    await dispatcher.post(notification());
    expect(sent[0]?.notification.fields).toMatchObject({ Cluster: 'prod-eu' });
  });

  it('a failure of the global notifier is an AlertFailed event naming it', async () => {
    const { dispatcher, events } = setup(readerOf(), { global }, (d) => new Error(`${d.label}: HTTP 403: invalid_token`));
    await dispatcher.post(notification());
    expect(events[0]?.event.message).toBe('alert not delivered: slack global notifier (--slack-url): HTTP 403: invalid_token');
  });

  it.each<[Parameters<typeof globalNotifierFrom>[0], string | undefined]>([
    [{}, undefined],
    [{ slackUrl: HOOK }, 'slack'],
    [{ msteamsUrl: HOOK }, 'msteams'],
    [{ slackUrl: HOOK, msteamsUrl: 'https://outlook.office.com/webhook/x' }, 'msteams'],
  ])('flags %j → %s', (flags, type) => {
    expect(globalNotifierFrom(flags)?.type).toBe(type);
  });
});


describe('AlertDispatcher: details for the rich formats', () => {
  const deployment = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'podinfo', namespace: 'test' },
    spec: { template: { spec: { containers: [{ name: 'app', image: 'podinfo:6.0.2' }, { name: 'proxy', image: 'envoy:1.30' }], initContainers: [{ name: 'init', image: 'busybox:1.36' }] } } },
  } as KubeObject;

  it('the target\'s images from the cache (containers, then init containers)', async () => {
    const { dispatcher, sent } = setup(readerOf(slackProvider('on-call'), deployment));
    await dispatcher.post(notification('info', canaryWith([alert('on-call')])));
    expect(sent[0]?.notification.images).toEqual(['podinfo:6.0.2', 'envoy:1.30', 'busybox:1.36']);
  });

  it('no target in the cache: no images, the alert still goes', async () => {
    const { dispatcher, sent } = setup(readerOf(slackProvider('on-call')));
    await dispatcher.post(notification('info', canaryWith([alert('on-call')])));
    expect(sent[0]?.notification.images).toBeUndefined();
  });

  it('--alert-link is the link of AlertProviders without spec.link; spec.link wins', async () => {
    const reader = readerOf(slackProvider('plain'), slackProvider('linked', { link: 'https://grafana.example.com/{name}' }));
    const { dispatcher, sent } = setup(reader, { alertLink: 'https://dash.example.com/{namespace}' });
    await dispatcher.post(notification('info', canaryWith([alert('plain'), alert('linked')])));
    const links = Object.fromEntries(sent.map((s) => [s.destination.label, s.destination.link]));
    expect(links).toEqual({ 'slack AlertProvider test/plain': 'https://dash.example.com/{namespace}', 'slack AlertProvider test/linked': 'https://grafana.example.com/{name}' });
  });

  it('an AlertProvider whose spec.link is not an http(s) URL is refused, naming the field', async () => {
    const { dispatcher, sent, events } = setup(readerOf(slackProvider('on-call', { link: 'grafana/d/x' })));
    await dispatcher.post(notification('info', canaryWith([alert('on-call')])));
    expect(sent).toEqual([]);
    expect(events[0]?.event.message).toContain('spec.link: spec.link must be an http(s) URL');
  });
});
