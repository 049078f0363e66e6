import { afterEach, describe, expect, it } from 'vitest';
import { startSlackStandIn, type SlackStandIn } from '../../harness/index.js';

describe('Slack stand-in', () => {
  let slack: SlackStandIn;
  afterEach(() => slack.stop());

  const post = (path: string, body: unknown) =>
    fetch(`${slack.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-test': 'yes' }, body: JSON.stringify(body) });

  it('records JSON posts with path and headers and answers ok', async () => {
    slack = await startSlackStandIn();
    const res = await post('/services/T0/B0/X', { text: 'podinfo promoted' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]).toMatchObject({ path: '/services/T0/B0/X', body: { text: 'podinfo promoted' } });
    expect(slack.messages[0]?.headers['x-test']).toBe('yes');
  });

  it('waits for a message that arrives later, or times out', async () => {
    slack = await startSlackStandIn();
    const waiting = slack.waitFor((m) => (m.body as { text?: string }).text === 'later');
    setTimeout(() => void post('/', { text: 'later' }), 50);
    expect((await waiting).path).toBe('/');
    await expect(slack.waitFor(() => false, 100)).rejects.toThrow(/timed out/);
  });

  it('answers with a configured status to test failures, and records anyway', async () => {
    slack = await startSlackStandIn({ status: 500 });
    expect((await post('/', { text: 'x' })).status).toBe(500);
    slack.respondWith(429, 'rate_limited');
    const res = await post('/', { text: 'y' });
    expect([res.status, await res.text()]).toEqual([429, 'rate_limited']);
    slack.respondWith(200);
    expect((await post('/', { text: 'z' })).status).toBe(200);
    expect(slack.messages.map((m) => (m.body as { text: string }).text)).toEqual(['x', 'y', 'z']);
  });

  it('keeps a body that is not JSON as text', async () => {
    slack = await startSlackStandIn();
    await fetch(slack.url, { method: 'POST', body: 'payload=plain' });
    expect(slack.messages[0]?.body).toBe('payload=plain');
  });
});
