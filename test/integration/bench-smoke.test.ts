import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './cluster.js';

// `npm run bench -- --canaries N` at N = 5: the fleet benchmark runs end to end on its own audited
// control plane (ports 17650–17655, beside this tier's) and prints the one JSON line CI can compare.
// What it measures is a benchmark, not asserted here; that it measures something is.
const BENCH_ARGS = ['run', 'bench', '--', '--canaries', '5', '--interval', '10s', '--intervals', '2', '--unrelated', '20', '--json'];

function runBench(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', BENCH_ARGS, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const aNumber = expect.any(Number) as unknown;

describe('npm run bench -- --canaries 5 --json', () => {
  it('measures a fleet of five on the real control plane and prints one JSON line', { timeout: 20 * 60_000 }, async () => {
    const run = await runBench();
    expect(run.code, run.stderr.slice(-4000)).toBe(0);
    const line = run.stdout.trim().split('\n').pop() ?? '';
    const result = JSON.parse(line) as Record<string, unknown>;
    expect(result).toMatchObject({
      controller: 'pennant', canaries: 5, progressing: 1, provider: 'kubernetes', intervalSeconds: 10, intervals: 2,
      apiRequestsPerInterval: aNumber, apiReadsPerInterval: aNumber, promQueriesPerInterval: aNumber, rssMiB: aNumber, reconcileP99Ms: aNumber, queueWaitP99Ms: aNumber, heapUsedMiB: aNumber,
    });
    // A bumped canary makes writes (its status at least), and a faulty revision is rolled back.
    expect(result.apiRequestsPerInterval).toBeGreaterThan(0);
    expect(result.promQueriesPerInterval).toBeGreaterThan(0);
    expect(result.rssMiB).toBeGreaterThan(20);
    expect(result.failureToRollbackSeconds).toBeGreaterThan(0);
    expect((result.bumpToProgressingSeconds as { max: number }).max).toBeGreaterThan(0);
    // The benchmark's control plane is stopped again, whatever happened.
    const pids = join(homedir(), '.cache/pennant/cluster-bench/pids');
    expect(existsSync(pids) ? readdirSync(pids) : []).toEqual([]);
  });
});
