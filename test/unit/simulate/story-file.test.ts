import { describe, expect, it } from 'vitest';
import { EXIT } from '../../../src/cli/io.js';
import { canaryFile, file, HOW_IT_WORKS, simulateCli, simulateJson } from './helpers.js';

/** nginx, a MetricTemplate check, a pre-rollout smoke test, a rollout load test and a confirm-promotion gate. */
const CHECKOUT = canaryFile(
  `interval: 30s
threshold: 3
stepWeight: 20
maxWeight: 60
metrics:
  - name: request-success-rate
    thresholdRange: { min: 99 }
  - name: error-budget
    templateRef: { name: error-budget }
    thresholdRange: { max: 5 }
    interval: 1m
webhooks:
  - { name: smoke, type: pre-rollout, url: http://tester/smoke }
  - { name: load-test, url: http://tester/load }
  - { name: gate, type: confirm-promotion, url: http://gate/approve }`,
  `  provider: nginx
  ingressRef: { apiVersion: networking.k8s.io/v1, kind: Ingress, name: podinfo }
---
apiVersion: pennant.dev/v1beta1
kind: MetricTemplate
metadata: { name: error-budget, namespace: apps }
spec:
  provider: { type: datadog, address: https://api.datadoghq.com }
  query: sum:errors{service:podinfo}
`,
);

const STORY = file('story.yaml', `description: the error budget spikes once, the gate opens late
checks:
  request-success-rate: 99.9
  error-budget: [1, 2, 7, 3]
webhooks:
  gate: [fail, fail, fail, fail, fail, pass]
`);

describe('pennant simulate --story FILE', () => {
  it('plays per-interval values of a MetricTemplate check and per-interval webhook answers (a gate held closed)', async () => {
    const { code, stdout } = await simulateCli([CHECKOUT, '--story', STORY]);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(`Simulating apps/podinfo with the story "${STORY}": the error budget spikes once, the gate opens late`);
    expect(lines[1]).toBe('provider nginx, analysis every 30s, threshold 3; time counts from the new revision');
    expect(lines.slice(4, 13).map((l) => l.replace(/ +/g, ' ').trim())).toEqual([
      '0s Progressing 0% 0',
      '30s Progressing 20% 0 smoke pass',
      '1m Progressing 40% 0 load-test pass, request-success-rate 99.9 >= 99 pass, error-budget 2 <= 5 pass',
      '1m30s Progressing 40% 1 load-test pass, request-success-rate 99.9 >= 99 pass, error-budget 7 > 5 fail',
      '2m Progressing 60% 1 load-test pass, request-success-rate 99.9 >= 99 pass, error-budget 3 <= 5 pass',
      '2m30s WaitingPromotion 60% 1 load-test pass, request-success-rate 99.9 >= 99 pass, error-budget 3 <= 5 pass',
      '3m Promoting 60% 1 load-test pass, request-success-rate 99.9 >= 99 pass, error-budget 3 <= 5 pass',
      '3m Finalising 0% 1',
      '3m30s Succeeded 0% 0',
    ]);
    expect(lines.at(-2)).toBe('Succeeded: promoted after 3m30s of simulated time (7 intervals of 30s).');
    expect(code).toBe(EXIT.ok);
  });

  it('a gate that never opens: Unfinished after the story\'s maxIntervals (exit 1)', async () => {
    const story = file('closed.yaml', 'maxIntervals: 8\nchecks: { "*": pass }\nwebhooks: { gate: fail }\n');
    const { code, json } = await simulateJson([CHECKOUT, '--story', story]);
    expect(json).toMatchObject({ outcome: 'Unfinished', intervals: 8, seconds: 240 });
    expect(json.timeline.at(-1)?.phase).toBe('WaitingPromotion');
    expect(code).toBe(EXIT.failed);
  });

  it('a failing rollout hook is a failed check; a rollback hook that passes rolls back', async () => {
    const loadFails = file('load.yaml', 'checks: { "*": pass }\nwebhooks: { load-test: fail }\n');
    const failed = await simulateJson([CHECKOUT, '--story', loadFails]);
    expect(failed.json.timeline.at(-1)).toMatchObject({ phase: 'Failed', failedChecks: 3 });
    expect(failed.json.timeline.at(-1)?.checks[0]).toMatchObject({ name: 'load-test', kind: 'webhook', verdict: 'fail' });
    const rollbackCanary = canaryFile('interval: 1m\nthreshold: 5\nstepWeight: 10\nmaxWeight: 50\nwebhooks:\n  - { name: stop, type: rollback, url: http://gate/rollback }');
    const asked = file('rollback.yaml', 'webhooks: { stop: [fail, fail, fail, pass] }\n');
    const rolledBack = await simulateJson([rollbackCanary, '--story', asked]);
    expect(rolledBack.json.outcome).toBe('Failed');
    expect(rolledBack.json.timeline.filter((e) => e.phase === 'Progressing').at(-1)?.weight).toBe(30);
  });
});

describe('pennant simulate: bad input is exit 2 with the field named', () => {
  it.each([
    ['an unknown key', 'chekcs:\n  "*": pass\n', '(top level): Unrecognized key: "chekcs"'],
    ['a value that is no value', 'checks:\n  request-success-rate: [99, banana]\n  request-duration: pass\n', 'checks.request-success-rate[1]: expected a number or one of pass, fail, nodata, error'],
    ['an empty cycle', 'checks:\n  "*": { cycle: [] }\n', 'checks["*"].cycle: give at least one value'],
    ['a webhook answer', 'checks: { "*": pass }\nwebhooks:\n  load-test: maybe\n', 'webhooks.load-test: expected pass or fail'],
    ['a weight that is no weight', 'checks: { "*": pass }\nfromWeight:\n  thirty: { checks: { "*": fail } }\n', 'fromWeight.thirty: "thirty" is not a canary weight (a whole number, 0-100)'],
    ['maxIntervals', 'maxIntervals: 0\nchecks: { "*": pass }\n', 'maxIntervals: Too small: expected number to be >=1'],
    ['not YAML', 'checks: [\n', 'not YAML'],
  ])('%s', async (_what, text, message) => {
    const story = file('bad.yaml', text);
    const { code, stdout, stderr } = await simulateCli([HOW_IT_WORKS, '--story', story]);
    expect(stderr).toContain(`pennant simulate: ${story}: ${message}`);
    expect(stdout).toBe('');
    expect(code).toBe(EXIT.usage);
  });

  it.each([
    ['a check the Canary does not have', 'checks:\n  "*": pass\n  error-rate: fail\n', 'checks.error-rate: the Canary has no such metric check (it has: request-success-rate, request-duration)'],
    ['a webhook the Canary does not have', 'checks: { "*": pass }\nwebhooks: { gate: pass }\n', 'webhooks.gate: the Canary has no such webhook (it has: load-test)'],
    ['a check without values', 'checks:\n  request-success-rate: pass\n', 'no values for the check "request-duration": add checks.request-duration (or checks."*")'],
  ])('a story that does not fit the Canary: %s', async (_what, text, message) => {
    const story = file('unfit.yaml', text);
    const { code, stderr } = await simulateCli([HOW_IT_WORKS, '--story', story]);
    expect(stderr).toBe(`pennant simulate: story ${story}: ${message}\n`);
    expect(code).toBe(EXIT.usage);
  });

  it('a story that is neither built in nor a file', async () => {
    const { code, stderr } = await simulateCli([HOW_IT_WORKS, '--story', 'healthy-ish']);
    expect(stderr).toBe('pennant simulate: --story: "healthy-ish" is neither a built-in story (healthy, faulty-at-30, flaky, prometheus-down, slow-rollout) nor a readable file\n');
    expect(code).toBe(EXIT.usage);
  });

  it('an invalid Canary: validate\'s report, with the line and the field', async () => {
    const canary = canaryFile('interval: 1m\nthreshold: 5\nstepWeight: ten\nmetrics: []');
    const { code, stdout, stderr } = await simulateCli([canary]);
    expect(stderr).toContain(`pennant simulate: ${canary}: the Canary is not valid:\n`);
    expect(stderr).toContain(`pennant simulate: ${canary}:16:17: spec.analysis.stepWeight: expected number, got "ten"\n`);
    expect(stdout).toBe('');
    expect(code).toBe(EXIT.usage);
  });

  it('a Canary the controller cannot start on: what the controller said', async () => {
    const canary = canaryFile('interval: 1m\nthreshold: 5\nstepWeight: 10\nmaxWeight: 20', '  provider: nginx\n');
    const { code, stderr } = await simulateCli([canary]);
    expect(stderr).toBe(`pennant simulate: ${canary}: the Canary was not initialised (phase Initializing): nginx: spec.ingressRef must name the Ingress (networking.k8s.io/v1) that routes to the apex Service\n`);
    expect(code).toBe(EXIT.usage);
  });

  it.each([
    ['no file', '/nonexistent/canary.yaml', 'cannot read /nonexistent/canary.yaml'],
    ['no Canary in it', file('deploy.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: podinfo }\n'), 'no Canary in the file; simulate takes one'],
  ])('%s', async (_what, path, message) => {
    const { code, stderr } = await simulateCli([path]);
    expect(stderr).toContain(message);
    expect(code).toBe(EXIT.usage);
  });
});
