import { defineConfig } from 'vitest/config';

// One runner for every package: tests live beside the code they pin (src/**/*.test.ts),
// cross-package end-to-end tests live in test/.
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: true,
    maxWorkers: 2,
    // Two test files run at once on the CI machine's two cores: one XNNPACK thread per process.
    env: { GANFORGE_WASM_THREADS: '1' },
  },
});
