import { defineConfig } from 'vitest/config';

export const unitConfig = defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/scenarios/**/*.test.ts'],
    environment: 'node',
    // Bounds, not budgets: a test that waits on I/O (HTTP on 127.0.0.1, git, spawned processes) gets
    // time for a loaded 2-core machine; it only costs time when something is wrong. Speed is `npm run bench`.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    expect: { poll: { timeout: 30_000, interval: 20 } },
  },
});

// eslint-disable-next-line no-restricted-syntax -- vitest loads the default export
export default unitConfig;
