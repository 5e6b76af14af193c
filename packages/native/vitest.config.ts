import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@ppma/source'] },
  // Vite resolves SSR (test) imports with its own conditions: point workspace packages at their sources too.
  ssr: { resolve: { conditions: ['@ppma/source'], externalConditions: ['@ppma/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
