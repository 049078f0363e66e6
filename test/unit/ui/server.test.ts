import { get, request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { serveUi, type UiServer } from '../../../src/cli/ui.js';
import { MemoryKube } from '../../../src/kube/memory.js';
import type { KubeObject } from '../../../src/kube/types.js';
import { readRequest } from '../../../src/operate/requests.js';
import { CANARY_TYPE, canaryObject, midAnalysis, seed } from '../cli/operate-fixtures.js';

let running: UiServer | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function start(kube: MemoryKube, allowActions = false): Promise<string> {
  running = await serveUi(kube, { port: 0, address: '127.0.0.1', allowActions, by: 'alice (web view)' });
  return `http://127.0.0.1:${running.port}`;
}

const ref = (namespace: string, name: string) => ({ ...CANARY_TYPE, namespace, name });

async function setStatus(kube: MemoryKube, namespace: string, name: string, status: Record<string, unknown>): Promise<void> {
  const current = await kube.get(ref(namespace, name));
  await kube.patchStatus(ref(namespace, name), status, current?.metadata.resourceVersion ?? '');
}

/** Reads an event stream until `enough` says so; returns the frames as { event, data }. */
function readFrames(url: string, enough: (frames: { event: string; data: unknown }[]) => boolean): Promise<{ frames: { event: string; data: unknown }[]; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const frames: { event: string; data: unknown }[] = [];
    let buffer = '';
    const req = get(url, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = [...block.matchAll(/^data: (.*)$/gm)].map((m) => m[1]).join('\n');
          if (event) frames.push({ event, data: JSON.parse(data) });
        }
        if (enough(frames)) {
          req.destroy();
          resolve({ frames, headers: res.headers });
        }
      });
    });
    req.on('error', (err) => (frames.length ? undefined : reject(err)));
  });
}

describe('the web view server', () => {
  it('lists 1,000 Canaries in one payload, sorted by namespace/name, each with its phase, weight and checks', async () => {
    const kube = new MemoryKube();
    for (let i = 0; i < 1000; i++) await seed(kube, canaryObject(`ns-${i % 10}`, `app-${String(i).padStart(4, '0')}`, midAnalysis));
    const base = await start(kube);
    const res = await fetch(`${base}/ui/api/canaries`);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = (await res.json()) as { rows: { key: string; phase: string; weight: number; checks: unknown[] }[]; actions: boolean };
    expect(body.rows).toHaveLength(1000);
    expect(body.rows[0]).toMatchObject({ key: 'ns-0/app-0000', phase: 'Progressing', weight: 20 });
    expect(body.rows[0]?.checks).toHaveLength(2);
    expect(body.rows.map((r) => r.key)).toEqual([...body.rows.map((r) => r.key)].sort());
    expect(body.actions).toBe(false);
  }, 120_000);

  it.each([
    ['/ui/', 'text/html; charset=utf-8', '<table id="canaries">'],
    ['/ui/canary?namespace=test&name=podinfo', 'text/html; charset=utf-8', 'id="chart"'],
    ['/ui/static/table.js', 'text/javascript; charset=utf-8', "follow('/ui/events'"],
    ['/ui/static/app.css', 'text/css; charset=utf-8', ':root'],
  ])('serves %s as %s with the CSP', async (path, type, content) => {
    const base = await start(new MemoryKube());
    const res = await fetch(`${base}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(type);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'self'; style-src 'self'/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain(content);
  });

  it.each(['/ui/static/../../cli/ui.ts', '/ui/static/%2e%2e%2fhub.ts', '/ui/static/table-model.d.ts', '/ui/nothing'])('serves nothing outside its files: %s is 404', async (path) => {
    const base = await start(new MemoryKube());
    expect((await fetch(`${base}${path}`)).status).toBe(404);
  });

  it('a path that is not well-formed (a lone %) is 400, not a crash', async () => {
    const base = await start(new MemoryKube());
    const res = await fetch(`${base}/ui/api/canaries/%E0%A4%A/x`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain('not a well-formed path');
  });

  it('/ui goes to /ui/ so the page finds its files', async () => {
    const base = await start(new MemoryKube());
    const res = await fetch(`${base}/ui`, { redirect: 'manual' });
    expect(res.status).toBe(308);
    expect(res.headers.get('location')).toBe('/ui/');
  });

  it('escapes markup in every value: an annotation and an Event message with <script> arrive as inert JSON text', async () => {
    const kube = new MemoryKube();
    const evil = '</script><script>alert(1)</script><img src=x onerror=alert(2)>';
    await seed(kube, { ...canaryObject('test', 'podinfo', midAnalysis), metadata: { name: 'podinfo', namespace: 'test', annotations: { note: evil } } });
    await kube.recordEvent({ regarding: ref('test', 'podinfo'), type: 'Warning', reason: 'Synced', message: evil });
    const base = await start(kube);
    const text = await (await fetch(`${base}/ui/api/canaries/test/podinfo`)).text();
    expect(text).not.toMatch(/[<>]/);
    const detail = JSON.parse(text) as { annotations: Record<string, string>; events: { message: string }[] };
    expect(detail.annotations.note).toBe(evil);
    await expect.poll(async () => ((await (await fetch(`${base}/ui/api/canaries/test/podinfo`)).json()) as typeof detail).events.map((e) => e.message)).toEqual([evil]);
    const dom = await (await fetch(`${base}/ui/static/dom.js`)).text();
    expect(dom).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });

  it('one Canary\'s page: its checks against thresholds, its Events only (not other objects\'), 404 for an unknown one', async () => {
    const kube = new MemoryKube();
    await seed(kube, canaryObject('test', 'podinfo', midAnalysis));
    await kube.recordEvent({ regarding: ref('test', 'podinfo'), type: 'Normal', reason: 'Advanced', message: 'weight 20' });
    await kube.recordEvent({ regarding: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name: 'podinfo' }, type: 'Normal', reason: 'Scaled', message: 'not ours' });
    const base = await start(kube);
    await expect.poll(async () => ((await (await fetch(`${base}/ui/api/canaries/test/podinfo`)).json()) as { events: { reason: string }[] }).events.map((e) => e.reason)).toEqual(['Advanced']);
    const detail = (await (await fetch(`${base}/ui/api/canaries/test/podinfo`)).json()) as { row: { checks: unknown[] } };
    expect(detail.row.checks).toEqual([expect.objectContaining({ name: 'request-success-rate', value: 99.82, min: 99, verdict: 'pass' }), expect.objectContaining({ name: 'request-duration', value: 612.5, max: 500, verdict: 'fail' })]);
    expect((await fetch(`${base}/ui/api/canaries/test/missing`)).status).toBe(404);
  });

  it('streams the table: the whole list first, then a rows frame with only what changed', async () => {
    const kube = new MemoryKube();
    await seed(kube, canaryObject('test', 'podinfo', midAnalysis));
    await seed(kube, canaryObject('test', 'backend', { phase: 'Succeeded' }));
    const base = await start(kube);
    const reading = readFrames(`${base}/ui/events`, (frames) => frames.some((f) => f.event === 'rows'));
    await expect.poll(() => running?.view.hub.viewerCount).toBe(1);
    await setStatus(kube, 'test', 'podinfo', { ...midAnalysis, canaryWeight: 30 });
    const { frames, headers } = await reading;
    expect(headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(frames[0]).toMatchObject({ event: 'list', data: { rows: [{ key: 'test/backend' }, { key: 'test/podinfo', weight: 20 }] } });
    expect(frames.find((f) => f.event === 'rows')?.data).toEqual({ upsert: [expect.objectContaining({ key: 'test/podinfo', weight: 30 })], remove: [] });
    await expect.poll(() => running?.view.hub.viewerCount).toBe(0);
  });

  it('streams one Canary\'s page with its weight over time; a deleted Canary is "gone"', async () => {
    const kube = new MemoryKube();
    await seed(kube, canaryObject('test', 'podinfo', midAnalysis));
    const base = await start(kube);
    const reading = readFrames(`${base}/ui/events?canary=test/podinfo`, (frames) => frames.some((f) => f.event === 'gone'));
    await expect.poll(() => running?.view.hub.viewerCount).toBe(1);
    await setStatus(kube, 'test', 'podinfo', { ...midAnalysis, canaryWeight: 30 });
    await expect.poll(() => running?.view.hub.detail('test', 'podinfo')?.row.weight).toBe(30);
    running?.view.hub.flush();
    await kube.delete(ref('test', 'podinfo'));
    const { frames } = await reading;
    const pages = frames.filter((f) => f.event === 'canary').map((f) => f.data as { history: { weight: number }[] });
    expect(pages.at(-1)?.history.map((p) => p.weight)).toEqual([20, 30]);
  });

  it('is read-only unless --allow-actions: promote answers 403 and writes nothing', async () => {
    const kube = new MemoryKube();
    await seed(kube, canaryObject('test', 'podinfo', midAnalysis));
    const base = await start(kube);
    const res = await fetch(`${base}/ui/api/canaries/test/podinfo/promote`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toContain('--allow-actions');
    expect(readRequest((await kube.get(ref('test', 'podinfo')))?.metadata.annotations)).toEqual({ kind: 'none' });
  });

  it('with --allow-actions, abort writes the pennant.dev/request annotation as pennant abort does; a form from another site is refused', async () => {
    const kube = new MemoryKube();
    await seed(kube, canaryObject('test', 'podinfo', midAnalysis));
    const base = await start(kube, true);
    expect(((await (await fetch(`${base}/ui/api/canaries`)).json()) as { actions: boolean }).actions).toBe(true);
    const crossSite = await post(`${base}/ui/api/canaries/test/podinfo/abort`, { 'content-type': 'application/json', origin: 'https://evil.example' });
    expect(crossSite).toBe(403);
    const form = await post(`${base}/ui/api/canaries/test/podinfo/abort`, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form).toBe(403);
    expect(readRequest((await kube.get(ref('test', 'podinfo')))?.metadata.annotations)).toEqual({ kind: 'none' });
    const res = await fetch(`${base}/ui/api/canaries/test/podinfo/abort`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(202);
    const written: KubeObject | null = await kube.get(ref('test', 'podinfo'));
    expect(readRequest(written?.metadata.annotations)).toMatchObject({ kind: 'request', request: { verb: 'abort', by: 'alice (web view)' } });
    expect((await fetch(`${base}/ui/api/canaries/test/podinfo/pause`, { method: 'POST', headers: { 'content-type': 'application/json' } })).status).toBe(404);
  });
});

function post(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end('{}');
  });
}
