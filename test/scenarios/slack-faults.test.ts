import { Registry } from 'prom-client';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryStack } from '../../src/demo/in-memory-stack.js';
import { podinfoCanary, podinfoDeployment } from '../../src/demo/manifests.js';
import { AlertDispatcher, alertDeliveries, alertDeliveryRetries, globalNotifierFrom } from '../../src/notify/index.js';
import { type ReceivedMessage, type SlackStandIn, startSlackStandIn } from '../harness/index.js';
import { deploymentOf, setImage, waitForPhase } from './helpers.js';

const NS = 'test';
const gatewayRefs = [{ name: 'public', namespace: 'gateways' }];

/**
 * Slack down or rate-limiting during a rollout, with the real dispatcher and delivery (retries,
 * Retry-After) posting to the Slack stand-in as the global notifier (`--slack-url`).
 */
describe('Slack faults during a rollout', () => {
  let slack: SlackStandIn;
  let stack: InMemoryStack | undefined;
  const registry = new Registry();
  const deliveries = alertDeliveries(registry);
  const retries = alertDeliveryRetries(registry);

  afterEach(async () => {
    await stack?.stop();
    await slack?.stop();
    stack = undefined;
    registry.resetMetrics();
  });

  async function rollout(): Promise<InMemoryStack> {
    const notifier = new AlertDispatcher({
      reader: { get: () => undefined }, logger: pino({ level: 'silent' }), deliveries, retries,
      global: globalNotifierFrom({ slackUrl: `${slack.url}/services/T000/B000/XXX` }),
    });
    stack = new InMemoryStack({ notifier });
    await stack.start();
    await stack.kube.create(podinfoDeployment(NS, { image: 'podinfo:6.0.0' }));
    await stack.kube.create(podinfoCanary({ namespace: NS, interval: '1s', provider: 'gatewayapi:v1', gatewayRefs }));
    await waitForPhase(stack.kube, NS, 'Initialized');
    await setImage(stack.kube, NS, 'podinfo:6.0.1');
    return stack;
  }

  const counted = async (name: string, labels: Record<string, string>): Promise<number> =>
    (await registry.getSingleMetric(name)?.get())?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0;

  it('429 with a Retry-After of a minute: the rollout is promoted while the first alert still waits to be retried', async () => {
    slack = await startSlackStandIn();
    slack.respondWith(429, 'rate_limited', { 'Retry-After': '60' });
    const running = await rollout();
    await waitForPhase(running.kube, NS, 'Succeeded');
    expect(await deploymentOf(running.kube, NS, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.1' });
    // One attempt of the first alert ("initialization completed"); the alerts after it wait their turn.
    expect(slack.messages.map(text)).toEqual([expect.stringContaining('initialization completed')]);
    expect(await counted('pennant_alert_deliveries_total', { result: 'sent' })).toBe(0);
  }, 120_000);

  it('429 with Retry-After 1 s on the first attempt of each alert: every alert delivered, in order, each retry counted', async () => {
    slack = await startSlackStandIn();
    const limited = { status: 429, body: 'rate_limited', headers: { 'Retry-After': '1' } };
    slack.answerNext(limited, { status: 200 }, limited, { status: 200 }, limited, { status: 200 });
    const running = await rollout();
    await waitForPhase(running.kube, NS, 'Succeeded');
    await expect.poll(() => slack.messages.length, { timeout: 30_000 }).toBe(6);
    expect(slack.messages.map(text)).toEqual([
      ...twice('podinfo.test: New Deployment detected, initialization completed.'),
      ...twice('podinfo.test: New revision detected, progressing canary analysis.'),
      ...twice('podinfo.test: Promotion completed! podinfo.test'),
    ]);
    expect(await counted('pennant_alert_delivery_retries_total', { type: 'slack', reason: 'rate-limited' })).toBe(3);
    expect(await counted('pennant_alert_deliveries_total', { type: 'slack', result: 'sent' })).toBe(3);
    expect(await counted('pennant_alert_deliveries_total', { type: 'slack', result: 'failed' })).toBe(0);
  }, 120_000);

  it('Slack down (connection refused): promoted; each alert tried 4 times, then counted as failed', async () => {
    slack = await startSlackStandIn();
    await slack.stop();
    const running = await rollout();
    await waitForPhase(running.kube, NS, 'Succeeded');
    expect(await deploymentOf(running.kube, NS, 'podinfo-primary')).toMatchObject({ image: 'podinfo:6.0.1' });
    await expect.poll(() => counted('pennant_alert_deliveries_total', { type: 'slack', result: 'failed' }), { timeout: 30_000 }).toBe(3);
    expect(await counted('pennant_alert_delivery_retries_total', { type: 'slack', reason: 'unreachable' })).toBe(9);
  }, 120_000);
});

const text = (m: ReceivedMessage): string => (m.body as { text?: string }).text ?? '';
const twice = <T>(value: T): T[] => [value, value];
