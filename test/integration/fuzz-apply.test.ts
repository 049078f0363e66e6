import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { formatPath } from '../../src/api/index.js';
import { manifestFindings } from '../../src/controller/rules.js';
import { podinfoCanary, podinfoDeployment } from '../../src/demo/manifests.js';
import type { KubeObject } from '../../src/kube/types.js';
import { type FuzzCase, fuzzCases } from '../harness/manifest-fuzz.js';
import { seededRandom } from '../harness/prng.js';
import { CANARY, setImage, waitForPhase } from '../scenarios/helpers.js';
import { fuzzBases } from '../unit/fuzz/bases.js';
import { RealStack } from './real-stack.js';

// Full run: PENNANT_FUZZ_API_CASES=200 npx vitest run --config vitest.integration.config.ts test/integration/fuzz-apply.test.ts
const CASES = Number(process.env.PENNANT_FUZZ_API_CASES ?? 40);
const SEED = Number(process.env.PENNANT_FUZZ_SEED ?? 1);
const PHASE_TIMEOUT = 150_000;

interface Outcome { id: string; kind: string; result: 'local' | 'refused' | 'accepted'; detail: string }
interface Condition { type: string; status: string; message?: string }

/** The object a case's text stands for, or undefined when the YAML itself is refused before any API call. */
function objectOf(c: FuzzCase): Record<string, unknown> | undefined {
  const [doc] = parseAllDocuments(c.text);
  if (!doc || doc.errors.length > 0) return undefined;
  try {
    const value: unknown = doc.toJS({ maxAliasCount: 1000 });
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The case as sent: in the fuzz namespace, named after the case unless the mutation is on the name. */
function placed(value: Record<string, unknown>, c: FuzzCase, namespace: string, i: number): KubeObject {
  const meta = value.metadata !== null && typeof value.metadata === 'object' && !Array.isArray(value.metadata) ? (value.metadata as Record<string, unknown>) : {};
  const onName = c.path[0] === 'metadata' && c.path[1] === 'name';
  return { ...value, metadata: { ...meta, name: onName ? meta.name : `fuzz-${i}`, namespace } } as KubeObject;
}

/**
 * Seeded mutations of Flagger's examples applied to the real API server while the controller rolls
 * out a healthy Canary: the server refuses some (naming the field), the controller answers every
 * stored Canary with a Ready condition naming the field, and the healthy one is still promoted.
 */
describe(`${CASES} seeded mutations applied to the real API server (seed ${SEED})`, () => {
  const stack = new RealStack(inject('kubeconfig'));
  const healthy = `it-fuzz-healthy-${process.pid}`;
  const fuzzed = `it-fuzz-${process.pid}`;
  const outcomes: Outcome[] = [];

  beforeAll(async () => {
    await stack.start({});
    for (const name of [healthy, fuzzed]) await stack.kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    await stack.kube.create(podinfoDeployment(healthy, { image: 'podinfo:6.0.0' }));
    await stack.simulator.addApps([{ namespace: healthy, service: 'podinfo', target: 'podinfo', provider: 'gatewayapi:v1' }]);
    await stack.kube.create(podinfoCanary({ namespace: healthy, interval: '5s', provider: 'gatewayapi:v1', gatewayRefs: [{ name: 'public', namespace: 'gateways' }], threshold: 3 }));
    await waitForPhase(stack.kube, healthy, 'Initialized', PHASE_TIMEOUT);
  }, 200_000);
  afterAll(async () => {
    await stack.stop();
    process.stderr.write(`fuzz-apply: ${['local', 'refused', 'accepted'].map((r) => `${outcomes.filter((o) => o.result === r).length} ${r}`).join(', ')}\n`);
  });

  it('the API server refuses bad objects naming the field, the controller names the field of what it stored, the healthy Canary is promoted', async () => {
    await setImage(stack.kube, healthy, 'podinfo:6.0.1');
    const cases = fuzzCases(fuzzBases(), CASES, seededRandom(SEED));
    for (const [i, c] of cases.entries()) outcomes.push(await sendCase(c, i));
    // the server's words for a field: a path (spec.x), a Go struct field (ObjectMeta.name), or the API version it does not serve
    const badRefusals = outcomes.filter((o) => o.result === 'refused' && !/\b(spec|metadata|apiVersion|kind)\b|Go struct field|API version|Request entity too large/.test(o.detail));
    expect(badRefusals).toEqual([]);

    const done = await waitForPhase(stack.kube, healthy, 'Succeeded', PHASE_TIMEOUT);
    expect(done.failedChecks).toBe(0);
    await expect.poll(unanswered, { timeout: 60_000 }).toEqual([]);
    const crashes = readFileSync(stack.logFile, 'utf8').split('\n').filter((line) => /"level":(50|60)\b.*(uncaught|unhandled|TypeError|RangeError)/i.test(line));
    expect(crashes).toEqual([]);
    expect(outcomes.length).toBe(CASES);
  }, 300_000);

  async function sendCase(c: FuzzCase, i: number): Promise<Outcome> {
    const value = objectOf(c);
    if (!value) return { id: c.id, kind: c.kind, result: 'local', detail: 'the YAML is refused before any request' };
    try {
      await stack.kube.create(placed(value, c, fuzzed, i));
      return { id: c.id, kind: c.kind, result: 'accepted', detail: formatPath(c.path) };
    } catch (err) {
      return { id: c.id, kind: c.kind, result: 'refused', detail: err instanceof Error ? err.message : String(err) };
    }
  }

  /** Stored Canaries without a Ready condition, or whose condition does not name a field `pennant validate` names. */
  async function unanswered(): Promise<string[]> {
    const stored = await stack.kube.list(CANARY, { namespace: fuzzed });
    return stored.flatMap((canary) => {
      const ready = ((canary.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).find((c) => c.type === 'Ready');
      if (!ready) return [`${canary.metadata.name}: no Ready condition`];
      const fields = manifestFindings(canary).errors.map((e) => e.split(': ')[0] ?? '');
      const named = fields.length === 0 || fields.some((f) => (ready.message ?? '').includes(f));
      return named ? [] : [`${canary.metadata.name}: "${ready.message ?? ''}" names none of ${fields.join(', ')}`];
    });
  }
});
