import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { serveUi } from '../../src/cli/ui.js';
import { podinfoCanary, podinfoDeployment } from '../../src/demo/manifests.js';
import { MemoryKube } from '../../src/kube/memory.js';
import { setImage, waitForPhase } from '../scenarios/helpers.js';
import { REPO } from './cluster.js';
import { RealStack } from './real-stack.js';

const CHROMIUM = process.env.PENNANT_CHROMIUM ?? '/usr/bin/chromium';
/** Screenshots of the pages as the test saw them (gitignored; CI keeps the folder). */
export const ARTIFACTS = join(REPO, 'test-artifacts');
const PHASE_TIMEOUT = 150_000;
const EVIL = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';

/** A load tester the test opens and shuts: while shut, the Canary's webhook check fails. */
async function loadTester(): Promise<{ url: string; set: (ok: boolean) => void; close: () => Promise<void> }> {
  let ok = true;
  const server: Server = createServer((req, res) => {
    req.resume();
    res.writeHead(ok ? 200 : 500).end(ok ? 'ok' : 'load test failed');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, set: (value) => (ok = value), close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** `pennant ui` as a person starts it; resolves with the address it prints. */
async function pennantUi(kubeconfig: string, namespace: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(REPO, 'bin/pennant.js'), 'ui', '--kubeconfig', kubeconfig, '-n', namespace, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
      const match = /at (http:\/\/127\.0\.0\.1:\d+\/ui\/)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`pennant ui exited (${code}): ${output}`)));
  });
  return { child, url };
}

/**
 * The web view in headless Chromium (Debian's chromium, driven by playwright-core) against the real
 * control plane, Pennant's controller and a rollout in progress: the table lists the Canary, its
 * page follows the weight as it moves (server-sent events, no reload) and shows a failing check.
 */
describe('the web view in a browser, with a rollout in progress', () => {
  const kubeconfig = inject('kubeconfig');
  const stack = new RealStack(kubeconfig);
  const ns = `it-ui-${process.pid}`;
  let browser: Browser;
  let ui: { child: ChildProcess; url: string };
  let tester: Awaited<ReturnType<typeof loadTester>>;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    tester = await loadTester();
    await stack.start();
    await stack.kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await stack.kube.create(podinfoDeployment(ns, { image: 'podinfo:6.0.0' }));
    await stack.simulator.addApps([{ namespace: ns, service: 'podinfo', target: 'podinfo', provider: 'gatewayapi:v1' }]);
    const canary = podinfoCanary({ namespace: ns, interval: '5s', provider: 'gatewayapi:v1', gatewayRefs: [{ name: 'public', namespace: 'gateways' }], threshold: 10, webhooks: [{ name: 'load-test', url: tester.url }] });
    await stack.kube.create({ ...canary, metadata: { ...canary.metadata, annotations: { 'example.com/note': EVIL } } });
    await waitForPhase(stack.kube, ns, 'Initialized', PHASE_TIMEOUT);
    ui = await pennantUi(kubeconfig, ns);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    ui?.child.kill('SIGTERM');
    await stack.stop();
    await tester?.close();
  });

  it('the table lists the Canary; its page shows the weight moving and then a failing check, with values escaped', async () => {
    const table = await browser.newPage();
    await table.goto(ui.url);
    const row = table.locator(`tr[data-key="${ns}/podinfo"]`);
    await expect.poll(() => row.count(), { timeout: 60_000 }).toBe(1);
    expect(await row.locator('th a').textContent()).toBe('podinfo');
    await expect.poll(() => table.locator('#connection').textContent()).toBe('live');

    await table.locator('#text').fill('no-such-canary');
    await expect.poll(() => row.count()).toBe(0);
    await table.locator('#text').fill('podinfo');
    await expect.poll(() => row.count()).toBe(1);
    await table.locator('th button[data-sort="weight"]').focus();
    await table.keyboard.press('Enter');
    expect(await table.locator('th', { has: table.locator('button[data-sort="weight"]') }).getAttribute('aria-sort')).toBe('ascending');

    await setImage(stack.kube, ns, 'podinfo:6.0.1');
    await expect.poll(() => row.locator('td').nth(1).textContent(), { timeout: PHASE_TIMEOUT }).toBe('Progressing');
    await table.screenshot({ path: join(ARTIFACTS, 'web-view-table.png'), fullPage: true });

    const loads = countDetailLoads(table);
    await row.locator('th a').click();
    await table.waitForURL(/\/ui\/canary\?/);
    const detail = table;
    expect(await detail.locator('#actions').isVisible()).toBe(false); // read-only without --allow-actions
    const weights = await weightsSeen(detail, 2);
    expect(new Set(weights).size).toBeGreaterThanOrEqual(2);
    expect(loads()).toBe(1);

    tester.set(false);
    await expect.poll(() => detail.locator('#checks tbody tr', { hasText: 'load-test' }).locator('.verdict-fail').count(), { timeout: PHASE_TIMEOUT }).toBe(1);
    expect(await detail.locator('#checks tbody tr', { hasText: 'load-test' }).textContent()).toContain('load-test failed ✗');
    await expect.poll(() => summary(detail, 'Failed checks'), { timeout: 60_000 }).toMatch(/^[1-9]\d* of 10$/);
    expect(await detail.locator('#annotations dd').first().textContent()).toBe(EVIL);
    expect(await detail.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    await expect.poll(() => detail.locator('#events tbody tr').count(), { timeout: 60_000 }).toBeGreaterThan(0);
    await detail.screenshot({ path: join(ARTIFACTS, 'web-view-canary.png'), fullPage: true });

    // With --allow-actions the page has the buttons; Abort writes the request the controller answers.
    const steering = await serveUi(stack.kube, { namespace: ns, port: 0, address: '127.0.0.1', allowActions: true, by: 'alice (web view)' });
    try {
      const page = await browser.newPage();
      page.on('dialog', (dialog) => void dialog.accept());
      await page.goto(`http://127.0.0.1:${steering.port}/ui/canary?namespace=${ns}&name=podinfo`);
      await page.getByRole('button', { name: 'Abort (roll back)' }).click();
      await expect.poll(() => page.locator('#action-result').textContent()).toContain('abort requested');
      const failed = await waitForPhase(stack.kube, ns, 'Failed', PHASE_TIMEOUT);
      expect(failed.conditions?.find((c) => c.type === 'Promoted')?.message).toBe('aborted by alice (web view)');
      await expect.poll(() => summary(page, 'Last request'), { timeout: 60_000 }).toMatch(/^abort by alice \(web view\): done: /);
    } finally {
      await steering.stop();
    }
  }, 300_000);
});

/** No cluster needed: 1,000 Canaries in the in-memory kube, the same server and pages. */
describe('the web view in a browser, with 1,000 Canaries', () => {
  it('shows all of them, counts and filters by phase, and redraws only the row that changed', async () => {
    const kube = new MemoryKube();
    const phases = ['Progressing', 'Succeeded', 'Failed', 'WaitingPromotion'];
    for (let i = 0; i < 1000; i++) {
      const ref = { apiVersion: 'pennant.dev/v1beta1', kind: 'Canary', namespace: `team-${i % 20}`, name: `app-${String(i).padStart(4, '0')}` };
      const created = await kube.create({ ...podinfoCanary({ namespace: ref.namespace, interval: '1m' }), metadata: { name: ref.name, namespace: ref.namespace } });
      await kube.patchStatus(ref, { phase: phases[i % 4], canaryWeight: (i % 5) * 10 }, created.metadata.resourceVersion ?? '');
    }
    const server = await serveUi(kube, { port: 0, address: '127.0.0.1', by: 'test' });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${server.port}/ui/`);
      await expect.poll(() => page.locator('#shown').textContent(), { timeout: 60_000 }).toBe('1000 of 1000 canaries shown');
      expect(await page.locator('#canaries tbody tr').count()).toBe(1000);
      expect(await page.locator('#counts button').allTextContents()).toEqual(['Progressing 250', 'WaitingPromotion 250', 'Succeeded 250', 'Failed 250']);
      await page.locator('tr[data-key="team-1/app-0001"]').evaluate((tr) => tr.setAttribute('data-marked', 'kept'));
      const ref = { apiVersion: 'pennant.dev/v1beta1', kind: 'Canary', namespace: 'team-2', name: 'app-0002' };
      await kube.patchStatus(ref, { phase: 'Progressing', canaryWeight: 40 }, (await kube.get(ref))?.metadata.resourceVersion ?? '');
      await expect.poll(() => page.locator('tr[data-key="team-2/app-0002"] td').nth(1).textContent(), { timeout: 60_000 }).toBe('Progressing');
      expect(await page.locator('tr[data-key="team-1/app-0001"]').getAttribute('data-marked')).toBe('kept');
      await page.locator('#counts button', { hasText: 'Failed' }).click();
      await expect.poll(() => page.locator('#shown').textContent()).toBe('249 of 1000 canaries shown');
      expect(await page.locator('#phase').inputValue()).toBe('Failed');
      await page.locator('#namespace').selectOption('team-2');
      await expect.poll(() => page.locator('#shown').textContent()).toBe('49 of 1000 canaries shown');
      await page.screenshot({ path: join(ARTIFACTS, 'web-view-1000.png') });
    } finally {
      await browser.close();
      await server.stop();
    }
  }, 300_000);
});

function summary(page: Page, term: string): Promise<string | null> {
  return page.locator('#summary dt', { hasText: term }).locator('xpath=following-sibling::dd[1]').textContent();
}

/** The page loads its Canary once; every later change must come over the event stream. */
function countDetailLoads(page: Page): () => number {
  let loads = 0;
  page.context().on('request', (req) => {
    if (/\/ui\/api\/canaries\/[^/]+\/[^/]+$/.test(new URL(req.url()).pathname)) loads++;
  });
  return () => loads;
}

/** The weights the page's summary showed, read as they change, until `distinct` non-zero ones were seen. */
async function weightsSeen(page: Page, distinct: number): Promise<number[]> {
  const seen: number[] = [];
  await expect.poll(async () => {
    const text = (await summary(page, 'Weight')) ?? '';
    const weight = Number(text.split('/')[0]);
    if (weight > 0 && !seen.includes(weight)) seen.push(weight);
    return seen.length;
  }, { timeout: PHASE_TIMEOUT, interval: 250 }).toBeGreaterThanOrEqual(distinct);
  const plotted = await page.locator('#chart circle[data-weight]').evaluateAll((dots) => dots.map((d) => Number(d.getAttribute('data-weight'))));
  expect(plotted).toEqual(expect.arrayContaining(seen));
  return seen;
}
