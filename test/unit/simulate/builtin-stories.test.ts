import { describe, expect, it } from 'vitest';
import { EXIT } from '../../../src/cli/io.js';
import { canaryFile, HOW_IT_WORKS, simulateCli, simulateJson, weightsOf } from './helpers.js';

const PASSING = 'load-test pass, request-success-rate 99.5 >= 99 pass, request-duration 250 <= 500 pass';
const FAILING = 'load-test pass, request-success-rate 89.1 < 99 fail, request-duration 550 > 500 fail';
const STEPS = [5, 10, 15, 20, 25, 30, 35, 40, 45, 50];
/** A line of the timeline, in its columns. */
const row = (time: string, phase: string, weight: number, failed: number, checks = '') =>
  `${time.padStart(8)}  ${phase.padEnd(16)} ${`${weight}%`.padStart(6)}  ${String(failed).padStart(6)}${checks ? `  ${checks}` : ''}`;

describe('pennant simulate on the how-it-works Canary (stepWeight 5, maxWeight 50, threshold 10)', () => {
  it('healthy: prints the timeline, each step at its weight with its checks, and Succeeded after 12 intervals (exit 0)', async () => {
    const { code, stdout, stderr } = await simulateCli([HOW_IT_WORKS]);
    const steps = STEPS.map((w, i) => row(`${i + 1}m`, 'Progressing', w, 0, i === 0 ? '' : PASSING));
    expect(stdout).toBe([
      'Simulating default/podinfo with the story "healthy": every check passes at every interval; the canary is promoted',
      'provider istio, analysis every 1m, threshold 10; time counts from the new revision',
      '',
      '    TIME  PHASE            WEIGHT  FAILED  CHECKS',
      row('0s', 'Progressing', 0, 0),
      ...steps,
      row('11m', 'Promoting', 50, 0, PASSING),
      row('11m', 'Finalising', 0, 0),
      row('12m', 'Succeeded', 0, 0),
      '',
      'Succeeded: promoted after 12m of simulated time (12 intervals of 1m).',
      '',
    ].join('\n'));
    expect(stderr).toContain('a Flagger Canary (flagger.app/v1beta1): simulated as pennant.dev/v1beta1');
    expect(code).toBe(EXIT.ok);
  });

  it('healthy -o json: the same timeline, weights stepping by stepWeight up to maxWeight', async () => {
    const { code, json } = await simulateJson([HOW_IT_WORKS, '--story', 'healthy']);
    expect(json).toMatchObject({ outcome: 'Succeeded', seconds: 720, intervals: 12, story: 'healthy', provider: 'istio' });
    expect(weightsOf(json.timeline)).toEqual([0, ...STEPS]);
    expect(json.timeline.at(-1)).toMatchObject({ phase: 'Succeeded', seconds: 720 });
    expect(json.timeline[2]?.checks).toEqual([
      { name: 'load-test', kind: 'webhook', verdict: 'pass' },
      { name: 'request-success-rate', kind: 'metric', verdict: 'pass', value: 99.5, min: 99 },
      { name: 'request-duration', kind: 'metric', verdict: 'pass', value: 250, max: 500 },
    ]);
    expect(code).toBe(EXIT.ok);
  });

  it('--provider linkerd (a TrafficSplit): the same weight steps, promoted', async () => {
    const { code, json } = await simulateJson([HOW_IT_WORKS, '--provider', 'linkerd']);
    expect(json).toMatchObject({ outcome: 'Succeeded', seconds: 720, provider: 'linkerd' });
    expect(weightsOf(json.timeline)).toEqual([0, ...STEPS]);
    expect(code).toBe(EXIT.ok);
  });

  it('faulty-at-30: the weight stops at 30, each interval there is a failed check, Failed once 10 have failed (exit 1)', async () => {
    const { code, json } = await simulateJson([HOW_IT_WORKS, '--story', 'faulty-at-30']);
    expect(weightsOf(json.timeline)).toEqual([0, 5, 10, 15, 20, 25, 30]);
    const atThirty = json.timeline.filter((e) => e.weight === 30);
    expect(atThirty.map((e) => e.failedChecks)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(json.timeline.at(-1)).toMatchObject({ phase: 'Failed', weight: 0, failedChecks: 10, interval: 16, seconds: 960 });
    expect(json.outcome).toBe('Failed');
    expect(code).toBe(EXIT.failed);
  });

  it('faulty-at-30 as text: the failing values against their thresholds, and where it was rolled back', async () => {
    const { code, stdout } = await simulateCli([HOW_IT_WORKS, '--story', 'faulty-at-30']);
    expect(stdout).toContain(`${row('7m', 'Progressing', 30, 1, FAILING)}\n`);
    expect(stdout).toContain(`${row('16m', 'Failed', 0, 10, FAILING)}\n`);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('Failed: rolled back after 16m of simulated time (16 intervals of 1m), at canary weight 30% with 10 failed checks.');
    expect(code).toBe(EXIT.failed);
  });

  it('flaky: every third interval fails; 5 failed checks stay under the threshold of 10, so it is promoted later', async () => {
    const { code, json } = await simulateJson([HOW_IT_WORKS, '--story', 'flaky']);
    const failing = json.timeline.filter((e) => e.checks.some((c) => c.verdict === 'fail')).map((e) => e.interval);
    expect(failing).toEqual([3, 6, 9, 12, 15]);
    expect(weightsOf(json.timeline)).toEqual([0, ...STEPS]);
    expect(json).toMatchObject({ outcome: 'Succeeded', seconds: 1020 });
    expect(code).toBe(EXIT.ok);
  });

  it('flaky with threshold 2: rolled back at the second failed check', async () => {
    const canary = canaryFile('interval: 30s\nthreshold: 2\nstepWeight: 10\nmaxWeight: 50\nmetrics:\n  - name: request-success-rate\n    thresholdRange: { min: 99 }');
    const { code, json } = await simulateJson([canary, '--story', 'flaky']);
    expect(json.timeline.at(-1)).toMatchObject({ phase: 'Failed', failedChecks: 2, interval: 6, seconds: 180 });
    expect(code).toBe(EXIT.failed);
  });

  it('prometheus-down: every query fails, the checks fail closed and the canary is rolled back at its first weight', async () => {
    const { code, json } = await simulateJson([HOW_IT_WORKS, '--story', 'prometheus-down']);
    expect(weightsOf(json.timeline)).toEqual([0, 5]);
    expect(json.timeline[2]?.checks.filter((c) => c.kind === 'metric').map((c) => [c.name, c.verdict, c.value])).toEqual([
      ['request-success-rate', 'error', null],
      ['request-duration', 'error', null],
    ]);
    expect(json.timeline.at(-1)).toMatchObject({ phase: 'Failed', failedChecks: 10, seconds: 660 });
    expect(code).toBe(EXIT.failed);
  });

  it('slow-rollout: no data at first holds the weight (failed checks under the threshold), then it is promoted', async () => {
    const { code, json } = await simulateJson([HOW_IT_WORKS, '--story', 'slow-rollout']);
    expect(json.timeline.filter((e) => e.checks.some((c) => c.verdict === 'noData')).map((e) => [e.interval, e.weight])).toEqual([[2, 5], [3, 5]]);
    expect(weightsOf(json.timeline)).toEqual([0, ...STEPS]);
    expect(json).toMatchObject({ outcome: 'Succeeded', seconds: 840 });
    expect(json.timeline.at(-2)).toMatchObject({ phase: 'Finalising', failedChecks: 2 });
    expect(code).toBe(EXIT.ok);
  });
});
