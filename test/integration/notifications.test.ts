import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { podinfoCanary, podinfoDeployment } from '../../src/demo/manifests.js';
import { ERROR_RATE_ANNOTATION } from '../../src/demo/traffic-annotations.js';
import type { KubeObject } from '../../src/kube/types.js';
import type { z } from 'zod';
import { type ReceivedMessage, type SlackStandIn, startSlackStandIn } from '../harness/index.js';
import { slackBlockMessage } from '../unit/notify/schemas/block-kit.js';
import { setImage, waitForPhase } from '../scenarios/helpers.js';
import { RealStack } from './real-stack.js';

const PHASE_TIMEOUT = 150_000;
const SECRET_PATH = '/services/T000/B000/XXXXSECRETXXXX';

type SlackBody = z.infer<typeof slackBlockMessage>;
type Block = SlackBody['blocks'][number];

const body = (m: ReceivedMessage): SlackBody | undefined => slackBlockMessage.safeParse(m.body).data;
const blocks = (m: ReceivedMessage): Block[] => body(m)?.blocks ?? [];
const unescape = (t: string): string => t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const sectionTexts = (m: ReceivedMessage): string[] => blocks(m).flatMap((b) => (b.type === 'section' && b.text ? [unescape(b.text.text)] : []));
/** The header: a severity mark and `name.namespace`. */
const header = (m: ReceivedMessage): string => blocks(m).flatMap((b) => (b.type === 'header' ? [b.text.text] : []))[0] ?? '';
const text = (m: ReceivedMessage): string => sectionTexts(m)[0] ?? '';
const field = (m: ReceivedMessage, title: string): string | undefined => blocks(m)
  .flatMap((b) => (b.type === 'section' ? b.fields ?? [] : []))
  .map((f) => unescape(f.text))
  .find((f) => f.startsWith(`*${title}*\n`))
  ?.slice(title.length + 3);

/**
 * Alerts end to end on the real control plane: a Secret holding the webhook URL, an AlertProvider
 * pointing at it, a Canary subscribing at info; Pennant's real dispatcher POSTs to a Slack stand-in.
 */
describe('alerts on the real control plane', () => {
  const stack = new RealStack(inject('kubeconfig'));
  let slack: SlackStandIn;
  let stopped = false;

  beforeAll(async () => {
    slack = await startSlackStandIn();
    await stack.start({}, { alerts: 'real' });
  }, 120_000);
  afterAll(async () => {
    if (!stopped) await stack.stop();
    await slack?.stop();
  });

  it('a Slack AlertProvider with secretRef gets initialization, new revision and the rollback, in order', async () => {
    const ns = `it-alerts-${process.pid}`;
    const hook = `${slack.url}${SECRET_PATH}`;
    await stack.kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await stack.kube.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'on-call-webhook', namespace: ns }, type: 'Opaque', data: { address: Buffer.from(hook).toString('base64') } });
    await stack.kube.create({ apiVersion: 'pennant.dev/v1beta1', kind: 'AlertProvider', metadata: { name: 'on-call', namespace: ns }, spec: { type: 'slack', channel: 'deploys', secretRef: { name: 'on-call-webhook' } } });
    await stack.kube.create(podinfoDeployment(ns, { image: 'podinfo:6.0.0' }));
    await stack.simulator.addApps([{ namespace: ns, service: 'podinfo', target: 'podinfo', provider: 'gatewayapi:v1' }]);
    await stack.kube.create(withAlerts(podinfoCanary({ namespace: ns, interval: '5s', provider: 'gatewayapi:v1', gatewayRefs: [{ name: 'public', namespace: 'gateways' }], threshold: 2 })));

    await waitForPhase(stack.kube, ns, 'Initialized', PHASE_TIMEOUT);
    await slack.waitFor((m) => text(m).includes('initialization completed'), 30_000);
    await setImage(stack.kube, ns, 'podinfo:6.0.2', { [ERROR_RATE_ANNOTATION]: '0.3' });
    await waitForPhase(stack.kube, ns, 'Failed', PHASE_TIMEOUT);
    await slack.waitFor((m) => text(m).startsWith('Canary analysis failed'), 30_000);

    const messages = slack.messages.filter((m) => header(m).endsWith(` podinfo.${ns}`));
    expect(messages.map(text)).toEqual([
      'New Deployment detected, initialization completed.',
      'New revision detected, progressing canary analysis.',
      expect.stringMatching(new RegExp(`^Canary analysis failed, rolled back podinfo\\.${ns}: `)),
    ]);
    for (const m of messages) {
      expect(m.path).toBe(SECRET_PATH);
      expect(m.headers['content-type']).toBe('application/json');
      expect(m.headers.authorization).toBeUndefined();
      // Valid against the documented Block Kit schema, with the fallback text.
      expect(slackBlockMessage.safeParse(m.body).error?.issues ?? []).toEqual([]);
      expect(m.body).toMatchObject({ channel: 'deploys', username: 'pennant', icon_emoji: ':rocket:', text: `podinfo.${ns}: ${text(m)}` });
      expect(field(m, 'Canary')).toBe('podinfo');
      expect(field(m, 'Namespace')).toBe(ns);
    }
    const [initialized, revision, rolledBack] = messages as [ReceivedMessage, ReceivedMessage, ReceivedMessage];
    expect(header(initialized)).toBe(`:large_green_circle: podinfo.${ns}`);
    expect(field(initialized, 'Target')).toBe(`Deployment/podinfo.${ns}`);
    expect(field(revision, 'Traffic routing')).toBe('Weight step: 10 max: 50');
    expect(header(rolledBack)).toBe(`:red_circle: podinfo.${ns}`);
    expect(field(rolledBack, 'Failed checks')).toBe('2');
    expect(field(rolledBack, 'Phase')).toBe('Failed');
    // The target's image, read from the cache.
    expect(blocks(rolledBack)).toContainEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Image: `podinfo:6.0.2`' }] });
    // The failing metric, with its value against the threshold: "request-success-rate: 71.2 (min 99)".
    const failing = sectionTexts(rolledBack).find((t) => t.startsWith('*Failing checks*')) ?? '';
    const successRate = /• \*request-success-rate\*: (\d+(?:\.\d+)?) \(min 99\)/.exec(failing);
    expect(successRate, failing).not.toBeNull();
    const value = Number(successRate?.[1]);
    expect(value).toBeGreaterThan(55);
    expect(value).toBeLessThan(85);

    const events = await stack.kube.list({ apiVersion: 'v1', kind: 'Event' }, { namespace: ns });
    expect(events.map((e) => (e as { reason?: string }).reason)).not.toContain('AlertFailed');
    expect(await deliveries('slack', 'sent')).toBeGreaterThanOrEqual(3);
    expect(await deliveries('slack', 'failed')).toBe(0);

    await stack.stop();
    stopped = true;
    await expect.poll(() => readFileSync(stack.logFile, 'utf8'), { timeout: 30_000 }).toContain('controller stopped');
    const log = readFileSync(stack.logFile, 'utf8');
    expect(log).toContain('initialization completed');
    expect(log).not.toContain(slack.url);
    expect(log).not.toContain(`127.0.0.1:${new URL(slack.url).port}`);
    expect(log).not.toContain('XXXXSECRET');
  }, 300_000);

  async function deliveries(type: string, result: string): Promise<number> {
    const metric = await stack.metrics.registry.getSingleMetric('pennant_alert_deliveries_total')?.get();
    return metric?.values.find((v) => v.labels.type === type && v.labels.result === result)?.value ?? 0;
  }
});

function withAlerts(canary: KubeObject): KubeObject {
  const spec = canary.spec as { analysis: Record<string, unknown> };
  return { ...canary, spec: { ...spec, analysis: { ...spec.analysis, alerts: [{ name: 'on-call', severity: 'info', providerRef: { name: 'on-call' } }] } } };
}
