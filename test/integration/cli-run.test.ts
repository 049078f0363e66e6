import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { REPO } from './cluster.js';

/** `pennant run` as users start it: flags parsed once, endpoints served, SIGTERM stops it cleanly. */
describe('pennant run', () => {
  it('serves /healthz, /readyz and /metrics against the real cluster and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [join(REPO, 'bin/pennant.js'), 'run', '--kubeconfig', inject('kubeconfig'), '--port', '0', '--workers', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const port = await waitForPort(() => output);
      const get = async (path: string) => fetch(`http://127.0.0.1:${port}${path}`);
      await expect.poll(async () => (await get('/readyz')).status, { timeout: 60_000 }).toBe(200);
      expect((await get('/healthz')).status).toBe(200);
      const metrics = await (await get('/metrics')).text();
      expect(metrics).toMatch(/^pennant_info\{version="[^"]+",provider="kubernetes"\} 1$/m);
      // The process' own, as a Go controller's go_* and process_*: what its memory and GC are.
      expect(Number(/^process_resident_memory_bytes (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThan(20 * 2 ** 20);
      expect(metrics).toMatch(/^nodejs_heap_space_size_used_bytes\{space="old"\} \d+/m);
      // The web view, read-only, on the same port, from the controller's informer cache.
      expect(await (await get('/ui/api/canaries')).json()).toMatchObject({ rows: expect.any(Array), actions: false, ready: true });
      expect((await get('/ui/')).headers.get('content-security-policy')).toContain("script-src 'self'");
      const logLine = output.split('\n').find((l) => l.includes('controller started'));
      expect(JSON.parse(logLine ?? '{}')).toMatchObject({ level: 'info', component: 'pennant' });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(output).toMatch(/"msg":"controller stopped"/);
  }, 180_000);
});

async function waitForPort(output: () => string): Promise<number> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const match = /"port":(\d+),"msg":"serving/.exec(output());
    if (match) return Number(match[1]);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`pennant run did not start serving: ${output().slice(-2000)}`);
}
