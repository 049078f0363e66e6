import type { KubeObject } from '../kube/types.js';
import { InMemoryStack } from './in-memory-stack.js';
import { podinfoCanary, podinfoDeployment } from './manifests.js';
import { ERROR_RATE_ANNOTATION } from './traffic-annotations.js';

const NS = 'demo';
const CANARY = { apiVersion: 'pennant.dev/v1beta1', kind: 'Canary' };
const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' };

export interface DemoOptions {
  interval: string;
  print: (line: string) => void;
  /** A live line while it waits (a terminal redraws it); default: none. */
  progress?: (text: string) => void;
}

export interface DemoOutcome {
  promoted: boolean;
  rolledBack: boolean;
}

/**
 * `pennant demo`: the real controller, engine and Gateway API router on an in-memory cluster with a
 * Prometheus stand-in. One healthy release is promoted step by step, then a faulty one rolled back.
 */
export async function runDemo(options: DemoOptions): Promise<DemoOutcome> {
  const { print } = options;
  const started = Date.now();
  const stamp = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s`;
  const stack = new InMemoryStack({}, (n) => print(`${stamp()}  [${n.severity}] ${n.message}`));
  await stack.start();
  const stopWatching = watchCanary(stack, (line) => print(`${stamp()}  ${line}`));
  const waitForPhase = (phases: string[]) => phaseReached(stack, phases, (seen) => options.progress?.(`${stamp()}  waiting for ${phases.join(' or ')} (now ${seen || 'no phase'})`));
  try {
    print(`Pennant demo: in-memory cluster, namespace "${NS}", analysis every ${options.interval}\n`);
    await stack.kube.create(podinfoDeployment(NS, { image: 'ghcr.io/stefanprodan/podinfo:6.0.0' }));
    await stack.kube.create(podinfoCanary({ namespace: NS, interval: options.interval, provider: 'gatewayapi:v1', gatewayRefs: [{ name: 'public', namespace: 'gateways' }], threshold: 2 }));
    await waitForPhase(['Initialized']);
    print(`\n--- release 6.0.1 (healthy: 0% errors) ---`);
    await release(stack, 'ghcr.io/stefanprodan/podinfo:6.0.1', '0');
    await waitForPhase(['Progressing']);
    const promoted = (await waitForPhase(['Succeeded', 'Failed'])) === 'Succeeded';
    print(`\n--- release 6.0.2 (faulty: 30% errors) ---`);
    await release(stack, 'ghcr.io/stefanprodan/podinfo:6.0.2', '0.3');
    await waitForPhase(['Progressing']);
    const rolledBack = (await waitForPhase(['Succeeded', 'Failed'])) === 'Failed';
    const primary = await stack.kube.get({ ...DEPLOYMENT, namespace: NS, name: 'podinfo-primary' });
    print(`\nThe primary runs ${imageOf(primary)}: ${promoted ? '6.0.1 was promoted' : '6.0.1 was NOT promoted'}, ${rolledBack ? '6.0.2 was rolled back' : '6.0.2 was NOT rolled back'}.`);
    return { promoted, rolledBack };
  } finally {
    stopWatching();
    await stack.stop();
  }
}

async function release(stack: InMemoryStack, image: string, errorRate: string): Promise<void> {
  const d = await stack.kube.get({ ...DEPLOYMENT, namespace: NS, name: 'podinfo' });
  if (!d) throw new Error('the demo Deployment disappeared');
  const spec = d.spec as { template: { metadata: { annotations: Record<string, string> }; spec: { containers: { image: string }[] } } };
  spec.template.spec.containers[0] = { ...spec.template.spec.containers[0], image };
  spec.template.metadata.annotations[ERROR_RATE_ANNOTATION] = errorRate;
  await stack.kube.update(d);
}

/** Prints each phase or weight change of the Canary, with its check results. */
function watchCanary(stack: InMemoryStack, print: (line: string) => void): () => void {
  const informer = stack.kube.informer(CANARY, { namespace: NS });
  let last = '';
  void informer.start();
  return informer.onChange((_type, obj) => {
    const s = (obj.status ?? {}) as { phase?: string; canaryWeight?: number; failedChecks?: number; checks?: { name: string; value?: number | null; verdict: string }[] };
    const line = `${(s.phase ?? '').padEnd(16)} weight ${String(s.canaryWeight ?? 0).padStart(3)}%  failed checks ${s.failedChecks ?? 0}`;
    if (line === last) return;
    last = line;
    const checks = (s.checks ?? []).filter((c) => c.value !== undefined).map((c) => `${c.name}=${typeof c.value === 'number' ? c.value.toFixed(1) : 'none'} ${c.verdict}`);
    print(`${line}${checks.length ? `  (${checks.join(', ')})` : ''}`);
  });
}

async function phaseReached(stack: InMemoryStack, phases: string[], onWait: (seen: string) => void, timeoutMs = 120_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let seen = '';
  while (Date.now() < deadline) {
    const obj = await stack.kube.get({ ...CANARY, namespace: NS, name: 'podinfo' });
    seen = (obj?.status as { phase?: string } | undefined)?.phase ?? '';
    if (phases.includes(seen)) return seen;
    onWait(seen);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the demo Canary did not reach ${phases.join(' or ')} (last phase: ${seen || 'none'})`);
}

const imageOf = (d: KubeObject | null): string =>
  (d?.spec as { template?: { spec?: { containers?: { image?: string }[] } } } | undefined)?.template?.spec?.containers?.[0]?.image ?? 'nothing';
