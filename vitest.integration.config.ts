import { defineConfig } from 'vitest/config';

// Developers without the time for a control plane may skip this tier; CI never does.
const skip = process.env.PENNANT_SKIP_INTEGRATION === '1' && process.env.CI !== 'true';
if (skip) process.stderr.write('integration tier skipped (PENNANT_SKIP_INTEGRATION=1)\n');

export const integrationConfig = defineConfig({
  test: {
    include: skip ? [] : ['test/integration/**/*.test.ts'],
    passWithNoTests: skip,
    globalSetup: skip ? [] : ['test/integration/global-setup.ts'],
    environment: 'node',
    // Bounds, not budgets (see vitest.unit.config.ts): a real control plane on a loaded 2-core machine.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    expect: { poll: { timeout: 60_000, interval: 100 } },
    // One control plane on two cores: test files run one after another.
    fileParallelism: false,
  },
});

// eslint-disable-next-line no-restricted-syntax -- vitest loads the default export
export default integrationConfig;
