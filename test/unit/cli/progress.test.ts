import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/cli/io.js';
import { main } from '../../../src/cli/main.js';
import { progressFor } from '../../../src/cli/progress.js';
import { HOW_IT_WORKS, simulateCli } from '../simulate/helpers.js';

const CLEAR = '\r\x1b[2K';

function captured(isTTY: boolean, columns?: number): { io: CliIo; out: () => string } {
  let out = '';
  const io: CliIo = { stdout: (t) => void (out += t), stderr: () => undefined, setExitCode: () => undefined, isTTY, ...(columns ? { columns } : {}) };
  return { io, out: () => out };
}

describe('progress of long commands', () => {
  it('on a terminal: the live line is redrawn under the lines that stay, cut to the width, and cleared at the end', () => {
    const { io, out } = captured(true, 12);
    const progress = progressFor(io);
    progress.status('step 1');
    progress.line('a line');
    progress.status('step 2 of a long run');
    progress.done();
    expect(out()).toBe(`step 1${CLEAR}a line\nstep 1${CLEAR}step 2 of a${CLEAR}`);
  });

  it('elsewhere (a pipe, a CI log): plain lines only', () => {
    const { io, out } = captured(false);
    const progress = progressFor(io);
    progress.status('step 1');
    progress.line('a line');
    progress.done();
    expect(out()).toBe('a line\n');
  });

  it('simulate on a terminal shows a live line; without the live line the output is what a pipe gets', async () => {
    const tty = await simulateCli([HOW_IT_WORKS], { isTTY: true, columns: 120 });
    const pipe = await simulateCli([HOW_IT_WORKS]);
    expect(tty.stdout).toContain(`${CLEAR}simulating: 12m Succeeded, weight 0%, 0 failed checks${CLEAR}`);
    expect(tty.stdout.replace(/simulating: [^\r\n]*(?=\r)/g, '').replaceAll(CLEAR, '')).toBe(pipe.stdout);
    expect(pipe.stdout).not.toContain('\x1b');
  });

  it('demo on a terminal shows what it waits for on a live line; in a pipe, plain lines', async () => {
    const run = async (isTTY: boolean) => {
      let stdout = '';
      const code = await main(['node', 'pennant', 'demo', '--interval', '100ms'], { stdout: (t) => void (stdout += t), stderr: () => undefined, isTTY, columns: 200 });
      return { code, stdout };
    };
    const tty = await run(true);
    expect(tty.stdout).toMatch(new RegExp(`${CLEAR.replace('[', '\\[')} +[\\d.]+s {2}waiting for (Initialized|Progressing|Succeeded or Failed) \\(now `));
    expect(tty.stdout).toContain('6.0.1 was promoted, 6.0.2 was rolled back.');
    expect(tty.code).toBe(0);
    const pipe = await run(false);
    expect(pipe.stdout).not.toContain('\x1b');
    expect(pipe.stdout).not.toContain('waiting for');
    expect(pipe.code).toBe(0);
  }, 120_000);
});
