import { defineConfig } from 'vitest/config';

export const unitConfig = defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/scenarios/**/*.test.ts'],
    environment: 'node',
    testTimeout: 10_000,
  },
});

// eslint-disable-next-line no-restricted-syntax -- vitest loads the default export
export default unitConfig;
