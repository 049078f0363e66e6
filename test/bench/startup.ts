// Start-up of the installed package: `pennant --help` from `npm pack` + `npm install -g` into an
// empty prefix (what users and the image run), next to bare `node` and the checkout's tsx path.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { installPackage, packPackage } from '../harness/npm-package.js';

const REPO = resolve(import.meta.dirname, '../..');

function medianMs(command: string, args: string[], runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const run = spawnSync(command, args, { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${run.stderr}`);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}

export function benchPackageStartup(runs = 5): void {
  const work = mkdtempSync(join(tmpdir(), 'pennant-bench-'));
  try {
    mkdirSync(join(work, 'pack'));
    installPackage(packPackage(REPO, join(work, 'pack')), join(work, 'prefix'));
    const installed = medianMs(join(work, 'prefix', 'bin', 'pennant'), ['--help'], runs);
    const node = medianMs(process.execPath, ['-e', ''], runs);
    const checkout = medianMs(process.execPath, [join(REPO, 'bin', 'pennant.js'), '--help'], runs);
    console.log(`start-up: pennant --help from the installed package ${installed.toFixed(0)} ms (median of ${runs}; bare node ${node.toFixed(0)} ms; the checkout through tsx ${checkout.toFixed(0)} ms)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
