import { afterEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../../src/cli/io.js';
import { MemoryKube } from '../../../src/kube/memory.js';
import { readRequest } from '../../../src/operate/requests.js';
import { CANARY_TYPE, canaryObject, midAnalysis, pennant, seed } from './operate-fixtures.js';

const ref = { ...CANARY_TYPE, namespace: 'test', name: 'podinfo' };
const stops: (() => void)[] = [];
afterEach(() => stops.splice(0).forEach((stop) => stop()));

/** Stands in for the controller: answers each new request as `answer` says, in status.lastRequest. */
async function answering(kube: MemoryKube, answer: (verb: string) => { outcome: 'done' | 'refused'; message: string }): Promise<void> {
  const informer = kube.informer(CANARY_TYPE, { namespace: 'test' });
  await informer.start();
  const answered = new Set<string>();
  stops.push(informer.onChange((_type, obj) => {
    const read = readRequest(obj.metadata.annotations);
    if (read.kind !== 'request' || answered.has(read.request.id)) return;
    answered.add(read.request.id);
    const lastRequest = { id: read.request.id, verb: read.request.verb, by: read.request.by, ...answer(read.request.verb), time: read.request.at };
    void kube.patchStatus(ref, { lastRequest }, obj.metadata.resourceVersion ?? '');
  }), () => informer.stop());
}

async function cluster(): Promise<MemoryKube> {
  const kube = new MemoryKube();
  await seed(kube, canaryObject('test', 'podinfo', midAnalysis));
  return kube;
}

describe('pennant promote | abort | pause | resume | retry', () => {
  it.each([
    [['promote'], 'promote'],
    [['promote', '--full'], 'promote-full'],
    [['abort'], 'abort'],
    [['pause'], 'pause'],
    [['resume'], 'resume'],
    [['retry'], 'retry'],
  ])('%j writes one request to the annotation, and prints the controller\'s answer', async (args, verb) => {
    const kube = await cluster();
    await answering(kube, (asked) => ({ outcome: 'done', message: `did ${asked}` }));
    const { code, stdout, stderr } = await pennant(kube, [...args, 'podinfo', '-n', 'test']);
    expect(stderr).toBe('');
    expect(stdout).toBe(`${verb === 'promote-full' ? 'promote --full' : verb} test/podinfo: did ${verb}\n`);
    expect(code).toBe(EXIT.ok);
    const canary = await kube.get(ref);
    const read = readRequest(canary?.metadata.annotations);
    expect(read).toMatchObject({ kind: 'request', request: { verb, by: 'alice', at: '2026-12-02T10:00:00.000Z' } });
    expect(read.kind === 'request' && read.request.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(canary?.spec).toEqual(canaryObject('test', 'podinfo').spec);
  });

  it('refused: the reason on stderr, exit 1', async () => {
    const kube = await cluster();
    await answering(kube, () => ({ outcome: 'refused', message: 'no rollout of podinfo.test is running (Succeeded): nothing to promote' }));
    const { code, stdout, stderr } = await pennant(kube, ['promote', 'podinfo', '-n', 'test']);
    expect(stdout).toBe('');
    expect(stderr).toBe('promote test/podinfo: refused: no rollout of podinfo.test is running (Succeeded): nothing to promote\n');
    expect(code).toBe(EXIT.failed);
  });

  it('no controller answers within --wait: exit 1, and the request stays', async () => {
    const kube = await cluster();
    const { code, stderr } = await pennant(kube, ['pause', 'podinfo', '-n', 'test', '--wait', '50ms']);
    expect(stderr).toContain('pause test/podinfo: no answer from the controller within 0.05s (is pennant run running?)');
    expect(code).toBe(EXIT.failed);
    expect(readRequest((await kube.get(ref))?.metadata.annotations)).toMatchObject({ kind: 'request', request: { verb: 'pause' } });
  });

  it('--wait 0s: only asks', async () => {
    const kube = await cluster();
    const { code, stdout } = await pennant(kube, ['abort', 'podinfo', '-n', 'test', '--wait', '0s']);
    expect(stdout).toMatch(/^abort test\/podinfo: requested \(id [0-9a-f-]{36}\); the controller answers in status.lastRequest\n$/);
    expect(code).toBe(EXIT.ok);
  });

  it('a Canary that does not exist: exit 1, nothing written', async () => {
    const kube = await cluster();
    const { code, stderr } = await pennant(kube, ['retry', 'backend', '-n', 'test']);
    expect(stderr).toBe('pennant retry: canary test/backend not found\n');
    expect(code).toBe(EXIT.failed);
    expect(await kube.list(CANARY_TYPE)).toHaveLength(1);
  });

  it('a missing name is a usage error', async () => {
    const { code, stderr } = await pennant(await cluster(), ['abort']);
    expect(stderr).toContain("error: missing required argument 'name'");
    expect(code).toBe(EXIT.usage);
  });
});
