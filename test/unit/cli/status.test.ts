import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EXIT } from '../../../src/cli/io.js';
import { MemoryKube } from '../../../src/kube/memory.js';
import type { KubeClient } from '../../../src/kube/types.js';
import { CANARY_TYPE, canaryObject, midAnalysis, pennant, seed } from './operate-fixtures.js';

async function cluster(): Promise<MemoryKube> {
  const kube = new MemoryKube();
  await seed(kube, canaryObject('test', 'podinfo', midAnalysis));
  await seed(kube, canaryObject('test', 'backend', { phase: 'WaitingPromotion', canaryWeight: 50, lastTransitionTime: '2026-12-02T09:00:00Z', gate: { type: 'confirm-promotion', since: '2026-12-02T09:55:00Z' } }));
  await seed(kube, canaryObject('prod', 'web', { phase: 'Succeeded', lastTransitionTime: '2026-12-01T10:00:00Z' }, { maxWeight: undefined, stepWeight: undefined, iterations: 5 }));
  return kube;
}

describe('pennant status', () => {
  it('prints a table of the namespace: phase, weight, failed checks, gate, time in phase, each check against its bound', async () => {
    const { code, stdout } = await pennant(await cluster(), ['status', '-n', 'test']);
    expect(code).toBe(EXIT.ok);
    expect(stdout).toBe([
      'NAME      PHASE              WEIGHT   FAILED   GATE                          IN PHASE   CHECKS',
      'backend   WaitingPromotion   50/50    0/5      confirm-promotion closed 5m   1h         -',
      'podinfo   Progressing        20/50    1/5      -                             1m30s      request-success-rate 99.82 ≥ 99 ✓, request-duration 612.5 > 500 ✗',
      '',
    ].join('\n'));
  });

  it('one Canary: the row, then each check on its own line with why it failed', async () => {
    const { stdout } = await pennant(await cluster(), ['status', 'podinfo', '-n', 'test']);
    expect(stdout.split('\n').slice(2)).toEqual([
      '  checks (10s ago):',
      '    request-success-rate 99.82 ≥ 99 ✓',
      '    request-duration 612.5 > 500 ✗  request-duration 612.5 > 500',
      '',
    ]);
  });

  it('-A adds the namespace column and lists every namespace', async () => {
    const { stdout } = await pennant(await cluster(), ['status', '-A']);
    const rows = stdout.trim().split('\n').map((line) => line.split(/\s{3,}/).slice(0, 3));
    expect(rows).toEqual([['NAMESPACE', 'NAME', 'PHASE'], ['prod', 'web', 'Succeeded'], ['test', 'backend', 'WaitingPromotion'], ['test', 'podinfo', 'Progressing']]);
  });

  it('a phase entered just now has been so for 0s', async () => {
    const kube = new MemoryKube();
    await seed(kube, canaryObject('test', 'fresh', { phase: 'Succeeded', lastTransitionTime: '2026-12-02T10:00:00Z' }));
    const { stdout } = await pennant(kube, ['status', '-n', 'test', '-o', 'table']);
    expect(stdout.split('\n')[1]?.split(/\s{3,}/)).toEqual(['fresh', 'Succeeded', '0/50', '0/5', '-', '0s', '-']);
  });

  it('without -n: the namespace of the kubeconfig context', async () => {
    const { stdout } = await pennant(await cluster(), ['status'], {}, { namespace: 'prod' });
    expect(stdout).toContain('web ');
    expect(stdout).not.toContain('podinfo');
  });

  it.each(['json', 'yaml'])('-o %s: the same view, for scripts', async (format) => {
    const { stdout } = await pennant(await cluster(), ['status', 'podinfo', '-n', 'test', '-o', format]);
    const view = format === 'json' ? JSON.parse(stdout) : parse(stdout);
    expect(view).toMatchObject({ namespace: 'test', name: 'podinfo', phase: 'Progressing', weight: 20, maxWeight: 50, failedChecks: 1, threshold: 5, inPhaseSeconds: 90 });
    expect(view.checks.map((c: { name: string; verdict: string }) => [c.name, c.verdict])).toEqual([['request-success-rate', 'pass'], ['request-duration', 'fail']]);
  });

  it('a Canary that does not exist: exit 1, named', async () => {
    const { code, stderr } = await pennant(await cluster(), ['status', 'nope', '-n', 'test']);
    expect(code).toBe(EXIT.failed);
    expect(stderr).toBe('pennant status: canary nope not found in namespace test\n');
  });

  it.each([
    [['-A', '-n', 'test'], 'pennant: --all-namespaces and --namespace: give one of them'],
    [['podinfo', '-A'], 'pennant: --all-namespaces: a name (podinfo) needs one namespace: use --namespace'],
  ])('%j is a usage error', async (args, message) => {
    const { code, stderr } = await pennant(await cluster(), ['status', ...args]);
    expect(code).toBe(EXIT.usage);
    expect(stderr).toContain(message);
  });
});

/** Counts reads that are not list+watch, to show the watch never polls. */
function counting(kube: MemoryKube): { kube: KubeClient; reads: () => number } {
  let reads = 0;
  const wrapped: KubeClient = Object.assign(Object.create(kube) as MemoryKube, {
    get: (...args: Parameters<KubeClient['get']>) => { reads++; return kube.get(...args); },
    list: (...args: Parameters<KubeClient['list']>) => { reads++; return kube.list(...args); },
  });
  return { kube: wrapped, reads: () => reads };
}

async function untilOutput(read: () => string, expected: RegExp): Promise<void> {
  await expect.poll(read).toMatch(expected);
}

describe('pennant status --watch', () => {
  it('not a terminal: one line per change, none for a change that shows nothing new, a line when deleted; never polls', async () => {
    const memory = await cluster();
    const { kube, reads } = counting(memory);
    const stop = new AbortController();
    let out = '';
    const running = pennant(kube, ['status', '-n', 'test', '--watch'], { stdout: (t) => void (out += t), signal: stop.signal });
    await untilOutput(() => out, /test\/podinfo Progressing weight=20\/50/);
    const ref = { ...CANARY_TYPE, namespace: 'test', name: 'podinfo' };
    await memory.patch(ref, { metadata: { labels: { team: 'a' } } });
    const current = await memory.get(ref);
    await memory.patchStatus(ref, { canaryWeight: 30 }, current?.metadata.resourceVersion ?? '');
    await untilOutput(() => out, /weight=30\/50/);
    await memory.delete({ ...CANARY_TYPE, namespace: 'test', name: 'backend' });
    await untilOutput(() => out, /test\/backend deleted/);
    stop.abort();
    expect((await running).code).toBe(EXIT.ok);
    const lines = out.trim().split('\n').map((l) => l.split(' ').slice(1, 4).join(' '));
    expect(lines).toEqual(['test/backend WaitingPromotion weight=50/50', 'test/podinfo Progressing weight=20/50', 'test/podinfo Progressing weight=30/50', 'test/backend deleted']);
    expect(reads()).toBe(0);
  });

  it('on a terminal: the table is redrawn in place', async () => {
    const memory = await cluster();
    const stop = new AbortController();
    let out = '';
    const running = pennant(memory, ['status', '-n', 'test', '-w'], { stdout: (t) => void (out += t), signal: stop.signal, isTTY: true });
    await untilOutput(() => out, /podinfo/);
    const ref = { ...CANARY_TYPE, namespace: 'test', name: 'podinfo' };
    await memory.patchStatus(ref, { canaryWeight: 40 }, (await memory.get(ref))?.metadata.resourceVersion ?? '');
    await untilOutput(() => out, /40\/50/);
    stop.abort();
    await running;
    const redraw = out.slice(out.indexOf('\x1b['));
    expect(redraw.startsWith('\x1b[3A\r\x1b[J')).toBe(true);
    expect(redraw).toContain('podinfo   Progressing        40/50');
  });
});
