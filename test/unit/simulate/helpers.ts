import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../../src/cli/main.js';
import type { TimelineEntry } from '../../../src/simulate/timeline.js';

/** Flagger's how-it-works Canary (flagger.app/v1beta1): stepWeight 5 up to 50, threshold 10, a load-test hook. */
export const HOW_IT_WORKS = fileURLToPath(new URL('../../fixtures/flagger/docs/complete/docs_gitbook_usage_how-it-works_0_Canary.yaml', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'pennant-simulate-'));
let written = 0;

/** Writes a file for one test and returns its path. */
export function file(name: string, text: string): string {
  const path = join(dir, `${written++}-${name}`);
  writeFileSync(path, text);
  return path;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export async function simulateCli(args: string[], options: { isTTY?: boolean; columns?: number } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'pennant', 'simulate', ...args], {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    ...options,
  });
  return { code, stdout, stderr };
}

export interface SimulationJson {
  outcome: string;
  seconds: number;
  intervals: number;
  story: string;
  provider: string;
  timeline: TimelineEntry[];
}

export async function simulateJson(args: string[]): Promise<{ code: number; json: SimulationJson; stderr: string }> {
  const run = await simulateCli([...args, '-o', 'json']);
  return { code: run.code, json: JSON.parse(run.stdout) as SimulationJson, stderr: run.stderr };
}

/** The weights the analysis stepped through, once each, in order. */
export const weightsOf = (timeline: readonly TimelineEntry[]): number[] =>
  timeline.filter((e) => e.phase === 'Progressing').map((e) => e.weight).filter((w, i, all) => i === 0 || all[i - 1] !== w);

/** A Canary of our own: the how-it-works one with other analysis settings. */
export function canaryFile(analysis: string, extra = ''): string {
  return file('canary.yaml', `apiVersion: pennant.dev/v1beta1
kind: Canary
metadata:
  name: podinfo
  namespace: apps
spec:
  targetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: podinfo
  service:
    port: 9898
  analysis:
${analysis.replace(/^/gm, '    ')}
${extra}`);
}
