// npm run bench: scale and latency figures. Printed, never pass/fail.
import { performance } from 'node:perf_hooks';
import { advance } from '../../src/engine/index.js';
import { Scheduler, type Clock } from '../../src/controller/scheduler.js';
import { InMemoryStack } from '../../src/demo/in-memory-stack.js';
import { podinfoCanary, podinfoDeployment } from '../../src/demo/manifests.js';
import { makeCanary, pass, progressing, world } from '../unit/engine/fixtures.js';
import { fleetOptionsFrom } from './fleet/options.js';
import { runFleetBench } from './fleet/run-fleet.js';
import { benchPackageStartup } from './startup.js';
import { canary as canarySchema } from '../../src/api/index.js';
import { simulate } from '../../src/simulate/simulate.js';
import { loadStory } from '../../src/simulate/story.js';

function benchEngine(iterations = 200_000): void {
  const canary = makeCanary({}, progressing({ canaryWeight: 10 }));
  const obs = { ...world({ routes: { primary: 90, canary: 10, mirror: false } }, { revision: 'v2', replicas: 2 }), metrics: [pass()] };
  const now = new Date('2026-01-01T00:01:00Z');
  const start = performance.now();
  for (let i = 0; i < iterations; i++) advance(canary, obs, now);
  const ms = performance.now() - start;
  console.log(`engine: ${Math.round(iterations / (ms / 1000)).toLocaleString()} analysis steps decided per second (${((ms * 1000) / iterations).toFixed(2)} µs each)`);
}

function benchScheduler(keys = 100_000): void {
  let now = 0;
  const timers: { at: number; cb: () => void }[] = [];
  const clock: Clock = { now: () => now, setTimer: (cb, ms) => { const t = { at: now + ms, cb }; timers.push(t); return t; }, clearTimer: (h) => { const i = timers.indexOf(h as never); if (i >= 0) timers.splice(i, 1); } };
  let fired = 0;
  const scheduler = new Scheduler(() => fired++, clock);
  const start = performance.now();
  for (let i = 0; i < keys; i++) scheduler.schedule(`ns/canary-${i}`, (i * 7919) % 60_000);
  const scheduled = performance.now() - start;
  while (timers.length) {
    timers.sort((a, b) => a.at - b.at);
    const t = timers.shift();
    if (!t) break;
    now = t.at;
    t.cb();
  }
  const total = performance.now() - start;
  console.log(`scheduler: ${keys.toLocaleString()} canaries scheduled in ${scheduled.toFixed(0)} ms, all fired (${fired.toLocaleString()}) in ${total.toFixed(0)} ms, one timer armed at a time`);
}

async function benchInitialisation(count = 200): Promise<void> {
  const stack = new InMemoryStack({ config: { workers: 4 } });
  await stack.start();
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const ns = `bench-${i}`;
    await stack.kube.create(podinfoDeployment(ns, { image: 'podinfo:1' }));
    await stack.kube.create(podinfoCanary({ namespace: ns, interval: '10s', provider: 'kubernetes', iterations: 2 }));
  }
  for (;;) {
    const canaries = await stack.kube.list({ apiVersion: 'pennant.dev/v1beta1', kind: 'Canary' });
    if (canaries.filter((c) => (c.status as { phase?: string } | undefined)?.phase === 'Initialized').length === count) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const ms = performance.now() - start;
  const histogram = (await stack.metrics.reconcileDuration.get()).values.filter((v) => v.metricName?.endsWith('_sum') || v.metricName?.endsWith('_count'));
  const sum = histogram.filter((v) => v.metricName?.endsWith('_sum')).reduce((a, v) => a + v.value, 0);
  const n = histogram.filter((v) => v.metricName?.endsWith('_count')).reduce((a, v) => a + v.value, 0);
  console.log(`in-memory controller: ${count} Canaries created and initialised in ${(ms / 1000).toFixed(1)} s; ${n} reconciles, mean ${((sum / n) * 1000).toFixed(1)} ms`);
  await stack.stop();
}

/** `pennant simulate`: real time per simulated analysis interval (a 10-step canary, the healthy story). */
async function benchSimulate(): Promise<void> {
  const manifest = podinfoCanary({ namespace: 'default', interval: '1m', provider: 'istio', stepWeight: 10, maxWeight: 100, threshold: 5 });
  const { story } = await loadStory('healthy');
  const start = performance.now();
  const result = await simulate({ manifest, canary: canarySchema.parse(manifest), story, provider: 'istio' });
  const ms = performance.now() - start;
  console.log(`simulate: a 10-step analysis (${result.outcome}, ${result.intervals} intervals of 1m) in ${ms.toFixed(0)} ms of real time, ${(ms / result.intervals).toFixed(0)} ms per interval`);
}

const fleet = fleetOptionsFrom(process.argv.slice(2));
if (fleet) {
  await runFleetBench(fleet);
} else {
  benchEngine();
  benchScheduler();
  await benchSimulate();
  await benchInitialisation(Number(process.env.BENCH_CANARIES ?? 200));
  benchPackageStartup();
}
