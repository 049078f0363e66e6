import { execFile } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../../src/cli/io.js';
import { main } from '../../../src/cli/main.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const USER_COMMANDS = ['status', 'promote', 'abort', 'pause', 'resume', 'retry', 'migrate', 'validate', 'simulate', 'run', 'demo', 'ui'];

async function help(args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const code = await main(['node', 'pennant', ...args], { stdout: (t) => void (stdout += t), stderr: () => undefined });
  return { code, stdout };
}

describe('pennant --help', () => {
  it('lists the user commands only (gen-crds is npm run gen:crds) and the exit statuses', async () => {
    const { code, stdout } = await help(['--help']);
    const commands = [...stdout.matchAll(/^ {2}([a-z-]+) /gm)].map((m) => m[1]);
    expect(commands).toEqual([...USER_COMMANDS, 'help']);
    expect(stdout).toContain('Exit status: 0 ok, 1 failed or refused, 2 usage');
    expect(code).toBe(EXIT.ok);
  });

  it.each(USER_COMMANDS)('pennant %s --help shows an example', async (command) => {
    const { stdout } = await help([command, '--help']);
    expect(stdout).toMatch(new RegExp(`Examples?:\\n {2}\\$ (PENNANT_\\w+=\\w+ )?pennant ${command}`));
  });
});

describe('kubectl pennant', () => {
  it('is the kubectl plugin kubectl-pennant (bin/kubectl-pennant.js), named so in its help', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pennant-plugin-'));
    symlinkSync(join(repoRoot, 'bin', 'kubectl-pennant.js'), join(dir, 'kubectl-pennant'));
    const { stdout } = await promisify(execFile)(join(dir, 'kubectl-pennant'), ['status', '--help'], { env: { ...process.env, PATH: `${dir}${delimiter}${process.env.PATH ?? ''}` } });
    expect(stdout).toMatch(/^Usage: kubectl pennant status \[options\] \[name\]/);
  });
});
