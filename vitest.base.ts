// The one vitest configuration every package extends (see each package's vitest.config.ts).
import { defineConfig, mergeConfig, type UserConfig } from 'vitest/config';

/**
 * Workspace packages resolve to their TypeScript sources through the `@ppma/source` export
 * condition, so tests never run against a stale `dist/`. Vitest runs tests in Vite's SSR
 * environment, where `resolve.conditions` alone does not apply, hence the `ssr.resolve` half.
 */
const base = defineConfig({
  resolve: { conditions: ['@ppma/source'] },
  ssr: { resolve: { conditions: ['@ppma/source'], externalConditions: ['@ppma/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

/** The package's vitest config: the shared base, with `overrides` merged over it. */
export function packageVitestConfig(overrides: UserConfig = {}): UserConfig {
  return mergeConfig(base, overrides);
}
