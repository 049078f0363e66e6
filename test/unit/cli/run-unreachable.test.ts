import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../../src/cli/io.js';
import { DEFAULT_API_CHECK } from '../../../src/controller/api-check.js';
import { freePort } from '../../harness/loopback-server.js';
import { FakeApiServer } from '../kube/fake-api-server.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

describe('pennant run against an API server that is not there', () => {
  // It used to stop with "cannot watch Secret (v1): … ECONNREFUSED …; is its API installed in the cluster?".
  // Bounded by the test's timeout (a few tries with back-off, then exit), not a timing assertion.
  it('logs each retry with the reason, then exits 1 saying the server is unreachable', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'pennant.js'), 'run', '--kubeconfig', FakeApiServer.kubeconfigFor(`https://127.0.0.1:${port}`), '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    const lines = output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string; reason?: string; err?: string });
    const retries = lines.filter((l) => l.msg === 'cannot use the API server yet; retrying');
    expect(retries).toHaveLength(DEFAULT_API_CHECK.attempts - 1);
    for (const retry of retries) expect(retry.reason).toContain(`https://127.0.0.1:${port} is unreachable`);
    const failure = lines.find((l) => l.msg === 'the controller could not start');
    expect(failure?.err).toContain(`the API server https://127.0.0.1:${port} is unreachable`);
    expect(failure?.err).toContain('ECONNREFUSED');
    expect(output).not.toContain('is its API installed');
    expect(code).toBe(EXIT.failed);
  }, 90_000);
});
