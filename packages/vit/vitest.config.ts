import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Workspace packages resolve to their TypeScript sources. `ssr.resolve` matters: vitest runs in
  // Node (SSR), where `resolve.conditions` alone does not apply and `@ppma/*` would resolve to dist.
  resolve: { conditions: ['@ppma/source'] },
  ssr: { resolve: { conditions: ['@ppma/source'], externalConditions: ['@ppma/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
