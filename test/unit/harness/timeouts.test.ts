import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { integrationConfig } from '../../../vitest.integration.config.js';
import { unitConfig } from '../../../vitest.unit.config.js';
import { DEFAULT_WAIT_MS, IO_WAIT } from '../../harness/wait.js';

// A write-back test once timed out at the unit tier's old 10 s on a loaded 2-core machine. Waits on
// I/O get bounds that hold there (they only cost time when something is wrong), and no test times anything.
const root = fileURLToPath(new URL('../../..', import.meta.url));
const FLOOR_MS = 60_000;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'tools' || entry.name === 'node_modules' ? [] : sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `file:line: text` of every line of the test sources that matches. */
function lines(match: (line: string) => boolean): string[] {
  return sources(join(root, 'test')).flatMap((file) =>
    readFileSync(file, 'utf8').split('\n').flatMap((line, i) => (match(line) ? [`${relative(root, file)}:${i + 1}: ${line.trim()}`] : [])));
}

const number = (text: string): number => Number(text.replaceAll('_', ''));

describe('test timeouts hold on a loaded machine', () => {
  it('the tiers bound tests, hooks and polls generously', () => {
    expect(unitConfig.test?.testTimeout).toBeGreaterThanOrEqual(FLOOR_MS);
    expect(unitConfig.test?.hookTimeout).toBeGreaterThanOrEqual(FLOOR_MS);
    expect(unitConfig.test?.expect?.poll?.timeout).toBeGreaterThanOrEqual(30_000);
    expect(integrationConfig.test?.testTimeout).toBeGreaterThanOrEqual(300_000);
    expect(integrationConfig.test?.hookTimeout).toBeGreaterThanOrEqual(300_000);
    expect(integrationConfig.test?.expect?.poll?.timeout).toBeGreaterThanOrEqual(60_000);
    expect(IO_WAIT.timeout).toBeGreaterThanOrEqual(30_000);
    expect(DEFAULT_WAIT_MS).toBeGreaterThanOrEqual(FLOOR_MS);
  });

  it(`no test or hook sets a timeout below ${FLOOR_MS / 1000} s`, () => {
    const short = lines((line) => {
      const timeout = /^\s*\}, ([0-9_]+)\);\s*$/.exec(line)?.[1];
      return timeout !== undefined && number(timeout) < FLOOR_MS;
    });
    expect(short).toEqual([]);
  });

  it('every vi.waitFor says its bound (vitest\'s default is 1 s)', () => {
    expect(lines((line) => line.includes('vi.waitFor(') && line.trimEnd().endsWith('));') && !/WAIT|timeout/.test(line))).toEqual([]);
  });

  it('no test asserts elapsed time', () => {
    expect(lines((line) => /expect\([^)]*(Date\.now\(\)|performance\.now\(\))/.test(line))).toEqual([]);
  });
});
