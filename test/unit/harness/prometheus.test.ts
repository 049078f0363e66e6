import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startPrometheus } from '../../harness/index.js';

// Starting the real Prometheus is the integration tier's (harness-smoke); here only the failures.
describe('startPrometheus failures', () => {
  it('says how to install Prometheus when the binary is missing', async () => {
    await expect(startPrometheus({ binary: '/nonexistent/prometheus' })).rejects.toThrow(/apt-get install prometheus/);
  });

  it('reports an early exit with the tail of its log', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pennant-fake-prom-'));
    const fake = join(dir, 'prometheus');
    await writeFile(fake, '#!/bin/sh\necho "level=error msg=\\"cannot start: bad flag\\"" >&2\nexit 3\n');
    await chmod(fake, 0o755);
    try {
      await expect(startPrometheus({ binary: fake })).rejects.toThrow(/exited with 3[\s\S]*cannot start: bad flag/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('gives up when it does not become ready in time', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pennant-fake-prom-'));
    const fake = join(dir, 'prometheus');
    await writeFile(fake, '#!/bin/sh\necho "starting slowly"\nexec sleep 30\n');
    await chmod(fake, 0o755);
    try {
      await expect(startPrometheus({ binary: fake, readyTimeoutMs: 300 })).rejects.toThrow(/did not become ready in time[\s\S]*starting slowly/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
