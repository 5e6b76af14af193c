import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@ppma/source', 'module', 'node', 'import', 'default'] },
  ssr: { resolve: { conditions: ['@ppma/source', 'node', 'import', 'default'], externalConditions: ['@ppma/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
