import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Resolve workspace packages to their TypeScript sources (the `@ppma/source` export condition) in
  // the SSR environment vitest runs tests in too, not to possibly stale `dist/` builds.
  resolve: { conditions: ['@ppma/source'] },
  ssr: { resolve: { conditions: ['@ppma/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
